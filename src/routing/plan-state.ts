/**
 * The working state of one planning run (see plan-order.ts): what is left to place, what each
 * location has promised, what is shipped, held and parked, and the steps taken. The steps
 * (route-step.ts, hold-steps.ts) read and extend it; the engine turns it into the plan.
 */
import type {
  GeoPoint,
  PlannedHold,
  PlannedLine,
  RoutingLocation,
  StepTrace,
  UnfillableLine,
} from './routing-model.ts';
import type { CostTable } from './rules-schema.ts';
import { compareIds } from './strategies.ts';

/** Raw available-to-promise of a SKU at a location, before safety stock. */
export type StockReader = (location: RoutingLocation, sku: string) => number;

export interface PlanState {
  readonly nowMs: number;
  /** Sorted by id, so equal inputs give equal plans. */
  readonly locations: readonly RoutingLocation[];
  readonly destinationPoint: GeoPoint | null;
  readonly destinationCountry: string;
  readonly costs: CostTable | undefined;
  /** Units of each line still to place. */
  readonly remaining: Map<string, number>;
  /** Barred locations, and by what (a rule id, or `input`). */
  readonly excluded: Map<string, string>;
  /** Units promised so far, per location and SKU. */
  readonly used: Map<string, Map<string, number>>;
  /** Lines placed so far, per location. */
  readonly shipped: Map<string, PlannedLine[]>;
  readonly holds: PlannedHold[];
  readonly unfillable: UnfillableLine[];
  readonly steps: StepTrace[];
  /** The routable lines with units still to place, in line id order. */
  pending(): PlannedLine[];
  /** Marks units as placed (or parked, or held): they are no longer pending. */
  take(placed: readonly PlannedLine[]): void;
  /** What a location can still promise of a SKU, after safety stock and earlier promises. */
  promisable(location: RoutingLocation, sku: string, extraSafety: number): number;
}

export function createPlanState(input: {
  nowMs: number;
  locations: readonly RoutingLocation[];
  destinationPoint: GeoPoint | null;
  destinationCountry: string;
  costs: CostTable | undefined;
  /** The routable lines, each once, in line id order. */
  routable: readonly { lineId: string; sku: string }[];
  remaining: Map<string, number>;
  excluded: Map<string, string>;
  readStock: StockReader;
}): PlanState {
  const { routable, remaining, readStock } = input;
  const used = new Map<string, Map<string, number>>();
  return {
    nowMs: input.nowMs,
    locations: input.locations,
    destinationPoint: input.destinationPoint,
    destinationCountry: input.destinationCountry,
    costs: input.costs,
    remaining,
    excluded: input.excluded,
    used,
    shipped: new Map(),
    holds: [],
    unfillable: [],
    steps: [],
    pending: () =>
      routable
        .filter((line) => (remaining.get(line.lineId) ?? 0) > 0)
        .map((line) => ({ lineId: line.lineId, sku: line.sku, quantity: remaining.get(line.lineId) ?? 0 })),
    take(placed) {
      for (const line of placed) {
        const left = (remaining.get(line.lineId) ?? 0) - line.quantity;
        if (left > 0) remaining.set(line.lineId, left);
        else remaining.delete(line.lineId);
      }
    },
    promisable: (location, sku, extraSafety) =>
      Math.max(
        0,
        readStock(location, sku) -
          location.safetyStock -
          extraSafety -
          (used.get(location.locationId)?.get(sku) ?? 0),
      ),
  };
}

/** One entry per line, quantities added up, in line id order. */
export function mergeLines(lines: readonly PlannedLine[]): PlannedLine[] {
  const merged = new Map<string, PlannedLine>();
  for (const line of lines) {
    const existing = merged.get(line.lineId);
    if (existing) existing.quantity += line.quantity;
    else merged.set(line.lineId, { ...line });
  }
  return [...merged.values()].sort((a, b) => compareIds(a.lineId, b.lineId));
}

export const units = (lines: readonly PlannedLine[]) => lines.reduce((sum, line) => sum + line.quantity, 0);
