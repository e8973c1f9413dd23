/**
 * A `route` step of the engine (see plan-order.ts), and the default step for lines no rule placed
 * (`ruleId` null): rank the eligible locations by the strategy, place what they can promise,
 * and, for the default or `ifUnfilled: "unfillable"`, park the rest with its shortfall. Every
 * candidate, eligible or not, is traced with its stock and scores.
 */
import { allocate } from './allocate.ts';
import { pointOf } from './geo.ts';
import { type PlanState, units } from './plan-state.ts';
import type { CandidateTrace, PlannedLine, RoutingLocation } from './routing-model.ts';
import type { RouteAction, Strategy } from './rules-schema.ts';
import {
  compareIds,
  compareKeys,
  DEFAULT_ROUTING_STRATEGY,
  DEFAULT_STRATEGY,
  type ScoringContext,
  score,
  sortKey,
} from './strategies.ts';

export function routeStep(
  state: PlanState,
  ruleId: string | null,
  action: Omit<RouteAction, 'type'>,
  selected: PlannedLine[],
): void {
  const { locations, excluded, used, shipped, unfillable, steps, promisable, take } = state;
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
    destination: state.destinationPoint,
    destinationCountry: state.destinationCountry,
    totalUnits,
    ranking: action.ranking,
    costs: state.costs,
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
