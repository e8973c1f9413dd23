import type { Transaction } from 'kysely';
import type { Database, OrderLine } from '../../db/types.ts';
import { engineRuleSet, liveRuleSetOf, recordRoutingDecision } from '../../queries/routing.ts';
import { planOrder } from '../../routing/plan-order.ts';
import type { PlannedLine, RoutingOrder } from '../../routing/routing-model.ts';
import type { Hub } from '../hub.ts';
import { type OrderHold, recordRuleHolds, releasedRuleIds } from './order-holds.ts';
import { merchantLocations } from './routing-locations.ts';

/** Refusals of a 3PL that another location may not share: its lines are routed elsewhere. */
export const REROUTABLE_REFUSALS = new Set([
  'rejected',
  'unknown_sku',
  'out_of_stock',
  'location_cannot_ship',
]);

export interface RoutedShipment {
  fulfillmentConnectionId: string;
  locationKey: string;
  lines: PlannedLine[];
}

export interface WaitingLine {
  lineId: string;
  detail: Record<string, unknown> & { why: 'routing_hold' | 'unfillable' };
}

export interface RoutedLines {
  shipments: RoutedShipment[];
  /** Lines (or the units of a line) that wait: held by a rule, or no location can ship them now. */
  waiting: WaitingLine[];
  /** A rule's hold on the whole order, when there is one. */
  orderHold: OrderHold | null;
}

interface OrderRow {
  id: string;
  merchant_id: string;
  storefront_connection_id: string;
  placed_at: Date;
  currency: string;
  total_minor: string | number | bigint;
  shipping_method: string | null;
  shipping_address: Record<string, unknown> | null;
  tags: string[];
}

const textOrNull = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);

/** The order as the engine reads it; `lines` are the identified ones, by the 3PL's SKU. */
export function routingOrderOf(
  order: OrderRow,
  lines: readonly { lineId: string; sku: string; quantity: number; row: OrderLine }[],
): RoutingOrder {
  const address = order.shipping_address ?? {};
  return {
    orderId: order.id,
    storefrontConnectionId: order.storefront_connection_id,
    placedAt: order.placed_at.toISOString(),
    currency: order.currency,
    totalMinor: Number(order.total_minor),
    shippingMethod: order.shipping_method,
    tags: order.tags,
    customerTags: [],
    destination: {
      country: (textOrNull(address.countryCode) ?? '').toUpperCase(),
      region: textOrNull(address.province),
      postalCode: textOrNull(address.postalCode),
      coordinates: null,
    },
    lines: lines.map((line) => ({
      lineId: line.lineId,
      sku: line.sku,
      quantity: line.quantity,
      shippable: true,
      productTags: [],
      unitPriceMinor: Number(line.row.unit_price_minor),
    })),
  };
}

/**
 * Runs the routing engine over the order's identified lines, in the routing transaction: the
 * merchant's locations with their available to promise, the live rule set, the locations a 3PL
 * already refused this order from, and the rule holds it has been through. Stores the decision
 * and the holds; the caller stores the shipments and the waiting lines.
 */
export async function routeIdentifiedLines(
  trx: Transaction<Database>,
  boss: Hub['boss'],
  input: {
    order: OrderRow;
    lines: readonly { lineId: string; sku: string; quantity: number; row: OrderLine }[];
    holds: readonly OrderHold[];
    defaultConnectionId: string | null;
    now: Date;
  },
): Promise<RoutedLines> {
  const { order, now } = input;
  const [locations, live, refused] = await Promise.all([
    merchantLocations(trx, order.merchant_id, { defaultConnectionId: input.defaultConnectionId }),
    liveRuleSetOf(trx, order.merchant_id),
    trx
      .selectFrom('shipments')
      .select(['fulfillment_connection_id', 'location', 'status_reason'])
      .where('order_id', '=', order.id)
      .where('status', '=', 'rejected')
      .where('location', 'is not', null)
      .execute(),
  ]);
  const excludedLocationIds = locations
    .filter((location) =>
      refused.some(
        (shipment) =>
          shipment.fulfillment_connection_id === location.fulfillmentConnectionId &&
          shipment.location === location.locationKey &&
          REROUTABLE_REFUSALS.has(shipment.status_reason ?? ''),
      ),
    )
    .map((location) => location.locationId);

  const { plan, decision } = planOrder({
    order: routingOrderOf(order, input.lines),
    locations,
    ruleSet: engineRuleSet(live),
    now: now.toISOString(),
    excludedLocationIds,
    releasedHoldRuleIds: releasedRuleIds(input.holds, now),
  });
  await recordRoutingDecision(trx, { orderId: order.id, merchantId: order.merchant_id, decision });

  const byId = new Map(locations.map((location) => [location.locationId, location]));
  const shipments = plan.shipments.flatMap((shipment): RoutedShipment[] => {
    const location = byId.get(shipment.locationId);
    return location
      ? [
          {
            fulfillmentConnectionId: location.fulfillmentConnectionId,
            locationKey: location.locationKey,
            lines: shipment.lines,
          },
        ]
      : [];
  });

  const kept = await recordRuleHolds(trx, boss, order, plan.holds, input.holds, now);
  const waiting: WaitingLine[] = [];
  for (const hold of kept) {
    for (const lineId of hold.line_ids) {
      waiting.push({
        lineId,
        detail: {
          why: 'routing_hold',
          holdId: hold.id,
          ruleId: hold.rule_id,
          reason: hold.reason,
          until: hold.until?.toISOString() ?? null,
          message: `Held by routing rule "${hold.rule_id}" (${hold.reason.replaceAll('_', ' ')})${hold.until ? ` until ${hold.until.toISOString()}` : ' until released'}: POST /api/orders/${order.id}/release lets it go.`,
        },
      });
    }
  }
  for (const line of plan.unfillable) {
    if (waiting.some((held) => held.lineId === line.lineId)) continue;
    waiting.push({
      lineId: line.lineId,
      detail: {
        why: 'unfillable',
        fulfillmentSku: line.sku,
        units: line.quantity,
        shortfall: line.shortfall,
        reason: line.reason,
        ruleId: line.ruleId,
        message: `${line.quantity} × ${line.sku} cannot be shipped from any location now (${line.reason.replaceAll('_', ' ')}; ${line.shortfall} short): routed by itself when the 3PL reports stock for it.`,
      },
    });
  }
  return { shipments, waiting, orderHold: kept.find((hold) => hold.scope === 'order') ?? null };
}
