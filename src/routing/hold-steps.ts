/**
 * The `hold` and `exclude` steps of the engine (see plan-order.ts). A hold takes its lines and
 * stops them (without a `lines` filter, the whole order, including what earlier rules placed);
 * an exclude takes no lines and bars locations from every later rule and the default.
 */
import { mergeLines, type PlanState } from './plan-state.ts';
import type { PlannedLine } from './routing-model.ts';
import type { ExcludeAction, HoldAction } from './rules-schema.ts';

export function holdStep(
  state: PlanState,
  ruleId: string,
  action: HoldAction,
  selected: PlannedLine[],
  wholeOrder: boolean,
): void {
  const { shipped, used, holds, steps, take, nowMs } = state;
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

export function excludeStep(state: PlanState, ruleId: string, action: ExcludeAction): void {
  const { locations, excluded, steps } = state;
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
