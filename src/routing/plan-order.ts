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
import { allocate } from './allocate.ts';
import { compileRuleSet } from './compile-rule-set.ts';
import { type ConditionLine, conditionContext, conditionLine } from './conditions.ts';
import { pointOf } from './geo.ts';
import type {
  CandidateTrace,
  NotRoutedLine,
  PlannedHold,
  PlannedLine,
  PlannedShipment,
  PlanOutcome,
  RoutingDecision,
  RoutingInput,
  RoutingLocation,
  RoutingPlan,
  RoutingResult,
  RuleTrace,
  StepTrace,
  UnfillableLine,
} from './routing-model.ts';
import type { CostTable, ExcludeAction, HoldAction, RouteAction, Strategy } from './rules-schema.ts';
import {
  compareIds,
  compareKeys,
  DEFAULT_ROUTING_STRATEGY,
  DEFAULT_STRATEGY,
  type ScoringContext,
  score,
  sortKey,
} from './strategies.ts';

/** Raw available-to-promise of a SKU at a location, before safety stock. */
export type StockReader = (location: RoutingLocation, sku: string) => number;

const readAvailable: StockReader = (location, sku) => location.available[sku] ?? 0;

export function planOrder(input: RoutingInput): RoutingResult {
  return routeOrder(input, readAvailable);
}

function mergeLines(lines: readonly PlannedLine[]): PlannedLine[] {
  const merged = new Map<string, PlannedLine>();
  for (const line of lines) {
    const existing = merged.get(line.lineId);
    if (existing) existing.quantity += line.quantity;
    else merged.set(line.lineId, { ...line });
  }
  return [...merged.values()].sort((a, b) => compareIds(a.lineId, b.lineId));
}

const units = (lines: readonly PlannedLine[]) => lines.reduce((sum, line) => sum + line.quantity, 0);

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

  const used = new Map<string, Map<string, number>>();
  const shipped = new Map<string, PlannedLine[]>();
  const holds: PlannedHold[] = [];
  const unfillable: UnfillableLine[] = [];
  const steps: StepTrace[] = [];
  const ruleTraces: RuleTrace[] = [];
  const matchedRuleIds: string[] = [];

  const pending = (): PlannedLine[] =>
    routable
      .filter((line) => (remaining.get(line.lineId) ?? 0) > 0)
      .map((line) => ({ lineId: line.lineId, sku: line.sku, quantity: remaining.get(line.lineId) ?? 0 }));

  const take = (placed: readonly PlannedLine[]) => {
    for (const line of placed) {
      const left = (remaining.get(line.lineId) ?? 0) - line.quantity;
      if (left > 0) remaining.set(line.lineId, left);
      else remaining.delete(line.lineId);
    }
  };

  const promisable = (location: RoutingLocation, sku: string, extraSafety: number) =>
    Math.max(
      0,
      readStock(location, sku) -
        location.safetyStock -
        extraSafety -
        (used.get(location.locationId)?.get(sku) ?? 0),
    );

  function routeStep(
    ruleId: string | null,
    action: Omit<RouteAction, 'type'>,
    selected: PlannedLine[],
  ): void {
    const strategy: readonly Strategy[] =
      action.strategy ?? (ruleId === null ? DEFAULT_ROUTING_STRATEGY : DEFAULT_STRATEGY);
    const allowSplit = action.allowSplit ?? true;
    const extraSafety = action.safetyStock ?? 0;
    const need = new Map<string, number>();
    for (const line of selected) need.set(line.sku, (need.get(line.sku) ?? 0) + line.quantity);
    const totalUnits = units(selected);
    const restricted = action.locationIds !== undefined || action.connectionIds !== undefined;
    const inRule = (location: RoutingLocation) =>
      !restricted ||
      (action.locationIds?.includes(location.locationId) ?? false) ||
      (action.connectionIds?.includes(location.fulfillmentConnectionId) ?? false);
    const scoring: ScoringContext = {
      destination: destinationPoint,
      destinationCountry,
      totalUnits,
      ranking: action.ranking,
      costs,
    };

    const ranked: {
      trace: CandidateTrace;
      key: number[];
      location: RoutingLocation;
      available: Map<string, number>;
    }[] = [];
    const traces: CandidateTrace[] = [];
    for (const location of locations) {
      const available = new Map<string, number>();
      const stock: Record<string, number> = {};
      let coverableUnits = 0;
      for (const [sku, wanted] of need) {
        const have = promisable(location, sku, extraSafety);
        available.set(sku, have);
        stock[sku] = have;
        coverableUnits += Math.min(wanted, have);
      }
      const ineligibleReason = !location.active
        ? ('inactive' as const)
        : excluded.has(location.locationId)
          ? ('excluded' as const)
          : inRule(location)
            ? null
            : ('not_in_rule' as const);
      const scores: Partial<Record<Strategy, number | null>> = {};
      const trace: CandidateTrace = {
        locationId: location.locationId,
        fulfillmentConnectionId: location.fulfillmentConnectionId,
        eligible: ineligibleReason === null,
        ineligibleReason,
        stock,
        coverableUnits,
        canShipComplete: coverableUnits === totalUnits,
        scores,
        rank: null,
      };
      traces.push(trace);
      if (ineligibleReason === null) {
        const facts = { location, point: pointOf(location), coverableUnits };
        for (const criterion of strategy) scores[criterion] = score(criterion, facts, scoring);
        ranked.push({ trace, key: sortKey(strategy, scores), location, available });
      }
    }
    const eligible = ranked.sort(
      (a, b) => compareKeys(a.key, b.key) || compareIds(a.location.locationId, b.location.locationId),
    );
    eligible.forEach((entry, index) => {
      entry.trace.rank = index + 1;
    });

    const allocation = allocate({
      lines: selected,
      candidates: eligible.map((trace) => ({
        locationId: trace.location.locationId,
        stock: trace.available,
        alreadyUsed: shipped.has(trace.location.locationId),
      })),
      mode: strategy[0] === 'ship_complete_first' ? 'fewest_shipments' : 'ranked',
      allowSplit,
    });

    const placed = allocation.placed.map(({ candidateIndex, lines: placedLines }) => {
      const location = (eligible[candidateIndex] as (typeof eligible)[number]).location;
      const ledger = used.get(location.locationId) ?? new Map<string, number>();
      used.set(location.locationId, ledger);
      for (const line of placedLines) ledger.set(line.sku, (ledger.get(line.sku) ?? 0) + line.quantity);
      shipped.set(location.locationId, [...(shipped.get(location.locationId) ?? []), ...placedLines]);
      take(placedLines);
      return { locationId: location.locationId, lines: placedLines };
    });

    const park = ruleId === null || action.ifUnfilled === 'unfillable';
    if (park && allocation.unplaced.length > 0) {
      // Shortfall: units no eligible location has even now, served in line order per SKU.
      const left = new Map<string, number>();
      for (const trace of eligible) {
        for (const sku of need.keys()) {
          left.set(sku, (left.get(sku) ?? 0) + promisable(trace.location, sku, extraSafety));
        }
      }
      for (const line of allocation.unplaced) {
        const have = left.get(line.sku) ?? 0;
        const shortfall = Math.max(0, line.quantity - have);
        left.set(line.sku, Math.max(0, have - line.quantity));
        unfillable.push({
          lineId: line.lineId,
          sku: line.sku,
          quantity: line.quantity,
          shortfall,
          reason:
            eligible.length === 0
              ? 'no_eligible_location'
              : shortfall > 0
                ? 'insufficient_stock'
                : 'split_not_allowed',
          ruleId,
        });
      }
      take(allocation.unplaced);
    }

    const where = placed.map((entry) => entry.locationId).join(', ');
    const unplacedUnits = units(allocation.unplaced);
    const notes = [
      placed.length === 0
        ? 'placed nothing'
        : placed.length === 1
          ? `ships ${unplacedUnits > 0 ? 'part' : 'complete'} from ${where}`
          : `split across ${placed.length} locations: ${where}`,
    ];
    if (unplacedUnits > 0) {
      notes.push(
        `${unplacedUnits} unit(s) not placed, ${park ? 'parked as unfillable' : 'left to the next rules'}` +
          (eligible.length === 0 ? ' (no eligible location)' : ''),
      );
    }
    steps.push({
      ruleId,
      action: 'route',
      lineIds: selected.map((line) => line.lineId),
      strategy: [...strategy],
      allowSplit,
      candidates: traces,
      placed,
      unplaced: allocation.unplaced,
      note: notes.join('; '),
    });
  }

  function holdStep(ruleId: string, action: HoldAction, selected: PlannedLine[], wholeOrder: boolean): void {
    let held = selected;
    if (wholeOrder) {
      held = mergeLines([...[...shipped.values()].flat(), ...selected]);
      shipped.clear();
      used.clear();
    }
    take(selected);
    const until = action.durationMinutes
      ? new Date(nowMs + action.durationMinutes * 60_000).toISOString()
      : null;
    holds.push({
      ruleId,
      reason: action.reason,
      note: action.note ?? null,
      until,
      scope: wholeOrder ? 'order' : 'lines',
      lines: held,
    });
    steps.push({
      ruleId,
      action: 'hold',
      lineIds: held.map((line) => line.lineId),
      placed: [],
      unplaced: [],
      note: `held${wholeOrder ? ' the order' : ''}: ${action.reason}${until ? ` until ${until}` : ' until released'}`,
    });
  }

  function excludeStep(ruleId: string, action: ExcludeAction): void {
    const barred = locations
      .filter(
        (location) =>
          (action.locationIds?.includes(location.locationId) ?? false) ||
          (action.connectionIds?.includes(location.fulfillmentConnectionId) ?? false),
      )
      .map((location) => location.locationId);
    for (const locationId of action.locationIds ?? [])
      if (!barred.includes(locationId)) barred.push(locationId);
    for (const locationId of barred) if (!excluded.has(locationId)) excluded.set(locationId, ruleId);
    steps.push({
      ruleId,
      action: 'exclude',
      lineIds: [],
      placed: [],
      unplaced: [],
      note: `excluded ${barred.join(', ')}`,
    });
  }

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
    if (action.type === 'route') routeStep(rule.id, action, selected);
    else if (action.type === 'hold') holdStep(rule.id, action, selected, !filter);
    else excludeStep(rule.id, action);
  }
  const rest = pending();
  if (rest.length > 0) routeStep(null, {}, rest);

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
