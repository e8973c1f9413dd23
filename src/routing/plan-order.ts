/**
 * The routing engine: one order, the merchant's locations and stock, a rule set → a plan and the
 * decision record that explains it. Pure; the caller reads and stores.
 *
 * How rules apply (HotWax's sequential rules, Pipe17's cards read top to bottom):
 * - Rules are read in order. A rule matches when it is enabled, its `when` holds and its `lines`
 *   filter picks at least one line still to be routed; line conditions in `when` look at those
 *   lines only. "First matching rule" is therefore per line: a line is taken by the first matching
 *   rule that can place it, and a rule that cannot place a line leaves it to the rules after it
 *   (`ifUnfilled: "next_rule"`, the default) or parks it as unfillable (`"unfillable"`).
 * - `route` places what it can (see strategies.ts, allocate.ts); `hold` takes its lines — without
 *   a `lines` filter, the whole order, including what earlier rules had placed — and stops them;
 *   `exclude` takes no lines and bars locations from every later rule and the default.
 * - Lines no rule placed get the default behaviour: ship complete from one location when any can,
 *   else the fewest shipments, else park the rest as unfillable with the shortfall.
 * - Safety stock (the location's, plus a rule's) is never promised. Lines are served in line id
 *   order and locations compared by id last, so equal inputs give equal plans whatever their order.
 */
import { compileRuleSet } from './compile-rule-set.ts';
import { type ConditionLine, conditionContext, conditionLine } from './conditions.ts';
import { pointOf } from './geo.ts';
import { excludeStep, holdStep } from './hold-steps.ts';
import { createPlanState, mergeLines, type StockReader, units } from './plan-state.ts';
import { routeStep } from './route-step.ts';
import type {
  NotRoutedLine,
  PlannedShipment,
  PlanOutcome,
  RoutingDecision,
  RoutingInput,
  RoutingLocation,
  RoutingPlan,
  RoutingResult,
  RuleTrace,
} from './routing-model.ts';
import type { CostTable } from './rules-schema.ts';
import { compareIds } from './strategies.ts';

export type { StockReader } from './plan-state.ts';

const readAvailable: StockReader = (location, sku) => location.available[sku] ?? 0;

export function planOrder(input: RoutingInput): RoutingResult {
  return routeOrder(input, readAvailable);
}

/** The engine, with stock read through `readStock` so a simulation can run it on its own ledger. */
export function routeOrder(input: RoutingInput, readStock: StockReader): RoutingResult {
  const { order } = input;
  const nowMs = Date.parse(input.now);
  if (Number.isNaN(nowMs)) throw new RangeError(`now is not an ISO 8601 instant: ${input.now}`);
  const compiled = input.ruleSet ? compileRuleSet(input.ruleSet) : null;
  const costs: CostTable | undefined = input.ruleSet?.definition.costs;
  const locations = [...input.locations].sort((a, b) => compareIds(a.locationId, b.locationId));
  const locationById = new Map(locations.map((location) => [location.locationId, location]));
  const destinationPoint = pointOf({
    coordinates: order.destination.coordinates,
    country: order.destination.country,
  });
  const destinationCountry = order.destination.country.toUpperCase();

  const lines = [...order.lines].sort((a, b) => compareIds(a.lineId, b.lineId));
  const notRouted: NotRoutedLine[] = [];
  /** Units of each line still to place. */
  const remaining = new Map<string, number>();
  for (const line of lines) {
    if (!line.shippable) notRouted.push({ lineId: line.lineId, reason: 'not_shippable' });
    else if (!(line.quantity > 0)) notRouted.push({ lineId: line.lineId, reason: 'zero_quantity' });
    else remaining.set(line.lineId, (remaining.get(line.lineId) ?? 0) + line.quantity);
  }
  // Line ids are unique in a canonical order; should one repeat, its units add up under the first.
  const routable = lines.filter(
    (line, index) =>
      remaining.has(line.lineId) && lines.findIndex((other) => other.lineId === line.lineId) === index,
  );
  const routableUnits = [...remaining.values()].reduce((sum, quantity) => sum + quantity, 0);
  const conditionLines = new Map<string, ConditionLine>(
    routable.map((line) => [line.lineId, conditionLine(line)]),
  );

  const excluded = new Map<string, string>();
  for (const locationId of input.excludedLocationIds ?? [])
    if (!excluded.has(locationId)) excluded.set(locationId, 'input');

  const state = createPlanState({
    nowMs,
    locations,
    destinationPoint,
    destinationCountry,
    costs,
    routable,
    remaining,
    excluded,
    readStock,
  });
  const { shipped, holds, unfillable, steps, pending } = state;
  const ruleTraces: RuleTrace[] = [];
  const matchedRuleIds: string[] = [];

  const released = new Set(input.releasedHoldRuleIds ?? []);
  const base = compiled ? conditionContext(order, [], nowMs, compiled.timeZone) : null;
  for (const { rule, when, lines: filter } of compiled?.rules ?? []) {
    const skip = (skipReason: RuleTrace['skipReason']) => {
      ruleTraces.push({ ruleId: rule.id, matched: false, skipReason });
    };
    if (rule.enabled === false) {
      skip('disabled');
      continue;
    }
    const open = pending();
    if (open.length === 0) {
      skip('nothing_left_to_route');
      continue;
    }
    if (rule.action.type === 'hold' && released.has(rule.id)) {
      skip('hold_released');
      continue;
    }
    const openLines = open.map((line) => conditionLines.get(line.lineId) as ConditionLine);
    if (when && base && !when({ ...base, lines: openLines })) {
      skip('conditions_not_met');
      continue;
    }
    const selected = filter ? open.filter((_, index) => filter(openLines[index] as ConditionLine)) : open;
    if (selected.length === 0) {
      skip('no_lines_selected');
      continue;
    }
    ruleTraces.push({ ruleId: rule.id, matched: true, skipReason: null });
    matchedRuleIds.push(rule.id);
    const action = rule.action;
    if (action.type === 'route') routeStep(state, rule.id, action, selected);
    else if (action.type === 'hold') holdStep(state, rule.id, action, selected, !filter);
    else excludeStep(state, rule.id, action);
  }
  const rest = pending();
  if (rest.length > 0) routeStep(state, null, {}, rest);

  const shipments: PlannedShipment[] = [...shipped.entries()]
    .sort(([a], [b]) => compareIds(a, b))
    .map(([locationId, placedLines]) => ({
      locationId,
      fulfillmentConnectionId: (locationById.get(locationId) as RoutingLocation).fulfillmentConnectionId,
      lines: mergeLines(placedLines),
    }));
  const shippedUnits = shipments.reduce((sum, shipment) => sum + units(shipment.lines), 0);
  const outcome: PlanOutcome =
    routableUnits === 0
      ? 'nothing_to_ship'
      : shippedUnits === routableUnits
        ? 'ship'
        : shippedUnits > 0
          ? 'partial'
          : holds.length > 0
            ? 'held'
            : 'unfillable';
  const plan: RoutingPlan = {
    outcome,
    shipments,
    holds,
    unfillable: unfillable.sort((a, b) => compareIds(a.lineId, b.lineId)),
    notRouted,
  };
  const decision: RoutingDecision = {
    ruleSetVersion: input.ruleSet?.version ?? null,
    routedAt: input.now,
    matchedRuleIds,
    rules: ruleTraces,
    excludedLocations: [...excluded.entries()].map(([locationId, by]) => ({ locationId, by })),
    steps,
    plan,
  };
  return { plan, decision };
}
