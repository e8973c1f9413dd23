/**
 * How a route action ranks its candidate locations.
 *
 * Modelled on Shopify's order routing (help.shopify.com, "Understanding order routing"): a
 * strategy there is an ordered list of rules — minimize split fulfillments, stay within the
 * destination market, ship from the closest location (Haversine, documented as the tiebreaker to
 * put last), ranked locations — each breaking the ties of the one before. Ours is the same idea:
 * `strategy` is an ordered list of criteria compared lexicographically, and the location id breaks
 * the last tie so the same inputs always give the same plan.
 *
 * - ship_complete_first ≈ Shopify's "minimize split fulfillments": as the first criterion it makes
 *   the allocator search for the fewest shipments (allocate.ts); as a later one it prefers the
 *   location that can ship more of the lines.
 * - same_country ≈ "stay within the destination market", with the country as the market (the hub
 *   has no notion of Shopify Markets).
 * - closest = "ship from closest location": great-circle km from location to destination.
 * - priority = "ranked locations": the rule's `ranking`, else each location's own priority.
 * - cheapest has no Shopify counterpart: the merchant's cost table (per shipment + per unit).
 *
 * Unlike Shopify, where each fulfillment group (item) is ranked on its own, a route action ranks
 * locations for all the lines it takes at once; a rule's `lines` filter gives per-item routing.
 */
import { distanceKm } from './geo.ts';
import type { GeoPoint, RoutingLocation } from './routing-model.ts';
import type { CostTable, Strategy } from './rules-schema.ts';

export const DEFAULT_STRATEGY: readonly Strategy[] = ['ship_complete_first', 'priority'];

/**
 * Without rules: fewest shipments, then Shopify's default order (in market, closest), then the
 * merchant's ranking.
 */
export const DEFAULT_ROUTING_STRATEGY: readonly Strategy[] = [
  'ship_complete_first',
  'same_country',
  'closest',
  'priority',
];

export interface ScoringContext {
  destination: GeoPoint | null;
  destinationCountry: string;
  totalUnits: number;
  ranking: readonly string[] | undefined;
  costs: CostTable | undefined;
}

export interface LocationFacts {
  location: RoutingLocation;
  point: GeoPoint | null;
  coverableUnits: number;
}

function costOf(facts: LocationFacts, context: ScoringContext): number | null {
  const row = context.costs?.rows.find(
    (candidate) =>
      candidate.locationId === facts.location.locationId &&
      (!candidate.destinationCountries ||
        candidate.destinationCountries.includes(context.destinationCountry)),
  );
  return row ? row.perShipmentMinor + (row.perUnitMinor ?? 0) * context.totalUnits : null;
}

/** The raw score a strategy gives a location, as a person would read it (km, rank, cost). */
export function score(strategy: Strategy, facts: LocationFacts, context: ScoringContext): number | null {
  switch (strategy) {
    case 'ship_complete_first':
      return facts.coverableUnits;
    case 'closest':
      return facts.point && context.destination ? distanceKm(facts.point, context.destination) : null;
    case 'priority': {
      if (context.ranking) {
        const index = context.ranking.indexOf(facts.location.locationId);
        return index === -1 ? null : index + 1;
      }
      return facts.location.priority;
    }
    case 'cheapest':
      return costOf(facts, context);
    case 'same_country':
      return facts.location.country === null
        ? null
        : facts.location.country.toUpperCase() === context.destinationCountry
          ? 1
          : 0;
  }
}

/** Scores turned into one sort key, lower first; unknown scores sort after every known one. */
export function sortKey(
  strategies: readonly Strategy[],
  scores: Partial<Record<Strategy, number | null>>,
): number[] {
  return strategies.map((strategy) => {
    const value = scores[strategy];
    if (value === null || value === undefined) return Number.POSITIVE_INFINITY;
    // More coverable units and being in the destination country are better: negate them.
    return strategy === 'ship_complete_first' || strategy === 'same_country' ? -value : value;
  });
}

export function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < a.length; index++) {
    const left = a[index] ?? 0;
    const right = b[index] ?? 0;
    if (left !== right) return left < right ? -1 : 1;
  }
  return 0;
}

/** Code-point order, never locale order, so ties break the same way on every machine. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
