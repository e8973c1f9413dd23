/**
 * Places units of lines on ranked locations without exceeding any location's stock.
 *
 * 'fewest_shipments' (ship_complete_first first) looks for the smallest set of locations that can
 * ship everything — counting locations this order already ships from as free — by trying every set
 * when there are few candidates (as Salesforce's "fewest splits" search does), and falls back to a
 * greedy cover when there are many or when no set can ship everything. 'ranked' walks the
 * locations best first and lets each take what it can, as Shopify does when splits are not the
 * first concern. Without splitting, only one location that can ship everything will do.
 */
import type { PlannedLine } from './routing-model.ts';

export interface AllocationCandidate {
  locationId: string;
  /** Units it can still promise per SKU. */
  stock: ReadonlyMap<string, number>;
  /** This order already ships from it, so using it adds no shipment. */
  alreadyUsed: boolean;
}

export interface AllocationRequest {
  /** Units still to place, in the order they should be served. */
  lines: readonly PlannedLine[];
  /** Best first. */
  candidates: readonly AllocationCandidate[];
  mode: 'fewest_shipments' | 'ranked';
  allowSplit: boolean;
}

export interface Allocation {
  /** By candidate index, in candidate order; only candidates that received units. */
  placed: { candidateIndex: number; lines: PlannedLine[] }[];
  unplaced: PlannedLine[];
}

const EXACT_SEARCH_LIMIT = 12;

function unitsBySku(lines: readonly PlannedLine[]): Map<string, number> {
  const need = new Map<string, number>();
  for (const line of lines) need.set(line.sku, (need.get(line.sku) ?? 0) + line.quantity);
  return need;
}

function coverable(candidate: AllocationCandidate, need: ReadonlyMap<string, number>): number {
  let units = 0;
  for (const [sku, wanted] of need) units += Math.min(wanted, candidate.stock.get(sku) ?? 0);
  return units;
}

function canShipAll(candidates: readonly AllocationCandidate[], need: ReadonlyMap<string, number>): boolean {
  for (const [sku, wanted] of need) {
    let have = 0;
    for (const candidate of candidates) have += candidate.stock.get(sku) ?? 0;
    if (have < wanted) return false;
  }
  return true;
}

/** Serves the lines from the chosen candidates in the given order; what none has stays unplaced. */
function assign(
  lines: readonly PlannedLine[],
  candidates: readonly AllocationCandidate[],
  order: number[],
): Allocation {
  const left = order.map((index) => new Map(candidates[index]?.stock));
  const placed = order.map((candidateIndex) => ({ candidateIndex, lines: [] as PlannedLine[] }));
  const unplaced: PlannedLine[] = [];
  for (const line of lines) {
    let remaining = line.quantity;
    for (let slot = 0; slot < order.length && remaining > 0; slot++) {
      const stock = left[slot] as Map<string, number>;
      const take = Math.min(remaining, stock.get(line.sku) ?? 0);
      if (take <= 0) continue;
      stock.set(line.sku, (stock.get(line.sku) ?? 0) - take);
      placed[slot]?.lines.push({ lineId: line.lineId, sku: line.sku, quantity: take });
      remaining -= take;
    }
    if (remaining > 0) unplaced.push({ lineId: line.lineId, sku: line.sku, quantity: remaining });
  }
  return { placed: placed.filter((entry) => entry.lines.length > 0), unplaced };
}

function compareRanks(a: number[], b: number[]): number {
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    if (a[index] !== b[index]) return (a[index] ?? 0) - (b[index] ?? 0);
  }
  return a.length - b.length;
}

/** The cheapest complete set: fewest new shipments, then fewest locations, then best-ranked members. */
function exactCover(candidates: readonly AllocationCandidate[], need: ReadonlyMap<string, number>) {
  let best: { members: number[]; added: number } | null = null;
  const count = candidates.length;
  for (let mask = 1; mask < 1 << count; mask++) {
    const members: number[] = [];
    for (let index = 0; index < count; index++) if (mask & (1 << index)) members.push(index);
    const added = members.filter((index) => !candidates[index]?.alreadyUsed).length;
    if (best) {
      if (added > best.added) continue;
      if (added === best.added) {
        if (members.length > best.members.length) continue;
        if (members.length === best.members.length && compareRanks(members, best.members) >= 0) continue;
      }
    }
    if (
      canShipAll(
        members.map((index) => candidates[index] as AllocationCandidate),
        need,
      )
    ) {
      best = { members, added };
    }
  }
  return best?.members ?? null;
}

/** Repeatedly takes the location that can ship the most of what is left (ties: the better ranked). */
function greedyCover(lines: readonly PlannedLine[], candidates: readonly AllocationCandidate[]): number[] {
  const need = unitsBySku(lines);
  const chosen: number[] = [];
  const left = candidates.map((candidate) => ({ ...candidate, stock: new Map(candidate.stock) }));
  for (;;) {
    let bestIndex = -1;
    let bestUnits = 0;
    left.forEach((candidate, index) => {
      if (chosen.includes(index)) return;
      const units = coverable(candidate, need);
      if (units > bestUnits) {
        bestUnits = units;
        bestIndex = index;
      }
    });
    if (bestIndex === -1) return chosen;
    chosen.push(bestIndex);
    const candidate = left[bestIndex] as (typeof left)[number];
    for (const [sku, wanted] of need) {
      const take = Math.min(wanted, candidate.stock.get(sku) ?? 0);
      need.set(sku, wanted - take);
    }
  }
}

export function allocate(request: AllocationRequest): Allocation {
  const { lines, candidates, allowSplit } = request;
  if (lines.length === 0) return { placed: [], unplaced: [] };
  const need = unitsBySku(lines);
  const nothing: Allocation = { placed: [], unplaced: lines.map((line) => ({ ...line })) };

  if (!allowSplit) {
    // One location or none. With fewest_shipments a location already shipping wins; else rank order.
    const complete = candidates
      .map((candidate, index) => ({ candidate, index }))
      .filter(({ candidate }) => canShipAll([candidate], need));
    const pick =
      request.mode === 'fewest_shipments'
        ? (complete.find(({ candidate }) => candidate.alreadyUsed) ?? complete[0])
        : complete[0];
    return pick ? assign(lines, candidates, [pick.index]) : nothing;
  }

  if (request.mode === 'ranked')
    return assign(
      lines,
      candidates,
      candidates.map((_, index) => index),
    );

  if (candidates.length <= EXACT_SEARCH_LIMIT) {
    const members = exactCover(candidates, need);
    if (members) return assign(lines, candidates, members);
  }
  const chosen = greedyCover(lines, candidates);
  return assign(lines, candidates, chosen);
}
