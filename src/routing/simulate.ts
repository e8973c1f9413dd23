/**
 * Routes past orders with a candidate rule set and with the live one, side by side, without side
 * effects, and says what would differ.
 *
 * Stock: each rule set starts from today's stock and its orders consume it in the order they
 * were placed (ties by order id), as they would have if routed one after another. Without that,
 * every historical order would see today's full stock and a rule that drains one location would
 * look harmless; with it, a month of orders can exhaust stock that restocks would have refilled,
 * so late orders in a long range show more splits and unfillable lines than really happened.
 * `consumeStock: false` gives the other reading (every order against today's stock).
 *
 * Each order is routed as if at the moment it was placed (`now` = placedAt), holds included:
 * a hold rule holds in simulation whatever happened to the real order since.
 */
import { routeOrder, type StockReader } from './plan-order.ts';
import type { PlanOutcome, RoutingLocation, RoutingOrder, RoutingPlan } from './routing-model.ts';
import type { RuleSet } from './rules-schema.ts';
import { compareIds } from './strategies.ts';

export interface SimulationInput {
  candidate: RuleSet | null;
  live: RuleSet | null;
  orders: readonly RoutingOrder[];
  /** Locations with today's stock. */
  locations: readonly RoutingLocation[];
  consumeStock?: boolean;
}

export interface LocationTally {
  /** Orders with a shipment from this location. */
  orders: number;
  units: number;
}

export interface SimulationSummary {
  outcomes: Record<PlanOutcome, number>;
  /** Orders that ship from more than one location. */
  splitOrders: number;
  shipments: number;
  byLocation: Record<string, LocationTally>;
  /** Orders with at least one hold, by hold reason. */
  holdsByReason: Record<string, number>;
  unfillableOrders: number;
  unfillableUnits: number;
}

export interface OrderBrief {
  outcome: PlanOutcome;
  locationIds: string[];
  holdReasons: string[];
  unfillableUnits: number;
}

export interface DestinationChange {
  orderId: string;
  placedAt: string;
  live: OrderBrief;
  candidate: OrderBrief;
}

export interface SimulationReport {
  orderCount: number;
  stockConsumption: 'sequential' | 'none';
  candidate: SimulationSummary;
  live: SimulationSummary;
  /** Orders whose locations, holds or outcome differ between the two rule sets. */
  changed: DestinationChange[];
}

function emptySummary(): SimulationSummary {
  return {
    outcomes: { ship: 0, partial: 0, held: 0, unfillable: 0, nothing_to_ship: 0 },
    splitOrders: 0,
    shipments: 0,
    byLocation: {},
    holdsByReason: {},
    unfillableOrders: 0,
    unfillableUnits: 0,
  };
}

function brief(plan: RoutingPlan): OrderBrief {
  return {
    outcome: plan.outcome,
    locationIds: plan.shipments.map((shipment) => shipment.locationId),
    holdReasons: [...new Set(plan.holds.map((hold) => hold.reason))].sort(compareIds),
    unfillableUnits: plan.unfillable.reduce((sum, line) => sum + line.quantity, 0),
  };
}

const sameBrief = (a: OrderBrief, b: OrderBrief) =>
  a.outcome === b.outcome &&
  a.unfillableUnits === b.unfillableUnits &&
  a.locationIds.join('\n') === b.locationIds.join('\n') &&
  a.holdReasons.join('\n') === b.holdReasons.join('\n');

/** One rule set's run over the orders, with its own stock ledger. */
function startRun(ruleSet: RuleSet | null, locations: readonly RoutingLocation[], consumeStock: boolean) {
  const summary = emptySummary();
  const consumed = new Map<string, Map<string, number>>();
  const reader: StockReader = (location, sku) =>
    (location.available[sku] ?? 0) - (consumed.get(location.locationId)?.get(sku) ?? 0);

  function route(order: RoutingOrder): RoutingPlan {
    const { plan } = routeOrder({ order, locations, ruleSet, now: order.placedAt }, reader);
    summary.outcomes[plan.outcome] += 1;
    summary.shipments += plan.shipments.length;
    if (plan.shipments.length > 1) summary.splitOrders += 1;
    for (const shipment of plan.shipments) {
      const tally = summary.byLocation[shipment.locationId] ?? { orders: 0, units: 0 };
      summary.byLocation[shipment.locationId] = tally;
      tally.orders += 1;
      let ledger = consumed.get(shipment.locationId);
      if (!ledger && consumeStock) {
        ledger = new Map();
        consumed.set(shipment.locationId, ledger);
      }
      for (const line of shipment.lines) {
        tally.units += line.quantity;
        ledger?.set(line.sku, (ledger.get(line.sku) ?? 0) + line.quantity);
      }
    }
    for (const reason of new Set(plan.holds.map((hold) => hold.reason))) {
      summary.holdsByReason[reason] = (summary.holdsByReason[reason] ?? 0) + 1;
    }
    if (plan.unfillable.length > 0) summary.unfillableOrders += 1;
    summary.unfillableUnits += plan.unfillable.reduce((sum, line) => sum + line.quantity, 0);
    return plan;
  }

  return { summary, route };
}

export function simulateRouting(input: SimulationInput): SimulationReport {
  const consumeStock = input.consumeStock ?? true;
  const orders = input.orders
    .map((order) => ({ order, at: Date.parse(order.placedAt) }))
    .sort((a, b) => a.at - b.at || compareIds(a.order.orderId, b.order.orderId));
  const candidate = startRun(input.candidate, input.locations, consumeStock);
  const live = startRun(input.live, input.locations, consumeStock);
  const changed: DestinationChange[] = [];
  for (const { order } of orders) {
    const withCandidate = brief(candidate.route(order));
    const withLive = brief(live.route(order));
    if (!sameBrief(withCandidate, withLive)) {
      changed.push({
        orderId: order.orderId,
        placedAt: order.placedAt,
        live: withLive,
        candidate: withCandidate,
      });
    }
  }
  return {
    orderCount: orders.length,
    stockConsumption: consumeStock ? 'sequential' : 'none',
    candidate: candidate.summary,
    live: live.summary,
    changed,
  };
}
