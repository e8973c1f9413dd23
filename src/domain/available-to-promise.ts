/**
 * Available to promise, per 3PL location and SKU: what the 3PL says it can ship from there, less
 * what the hub has already routed there that the 3PL has not yet allocated. Between the hub
 * routing a shipment and the 3PL accepting it, the 3PL's fulfillable count still includes those
 * units; counting them again would promise them twice. Pure: the routing engine and the API read it.
 */
import type { ShipmentState } from './order-state.ts';

/**
 * Shipment states in which the hub has routed units to a location but the 3PL has not allocated
 * them: `pending` (not sent yet) and `submitted` (sent, not accepted). From `accepted` on, the
 * 3PL's own fulfillable count already leaves them out.
 */
export const UNALLOCATED_SHIPMENT_STATES = [
  'pending',
  'submitted',
] as const satisfies readonly ShipmentState[];

export function isUnallocated(state: ShipmentState): boolean {
  return (UNALLOCATED_SHIPMENT_STATES as readonly ShipmentState[]).includes(state);
}

/**
 * Not clamped at 0: a negative answer says the hub has routed more than the 3PL can ship (oversold),
 * which the routing engine needs to see rather than a comfortable 0.
 */
export function availableToPromise(fulfillable: number, routedUnallocated: number): number {
  return fulfillable - routedUnallocated;
}

export interface LocationStock {
  location: string;
  sku: string;
  /** The 3PL's fulfillable quantity. */
  available: number;
}

export interface RoutedLine {
  location: string;
  sku: string;
  quantity: number;
  state: ShipmentState;
}

export interface LocationAtp {
  location: string;
  sku: string;
  fulfillable: number;
  /** Units routed here that the 3PL has not allocated yet. */
  routed: number;
  atp: number;
}

const keyOf = (location: string, sku: string) => `${location}\u0000${sku}`;

/**
 * One row per location and SKU the 3PL reports or the hub has routed to (a routed SKU the 3PL
 * never reported counts as 0 fulfillable), sorted by location then SKU.
 */
export function availableToPromiseByLocation(
  stock: readonly LocationStock[],
  routed: readonly RoutedLine[],
): LocationAtp[] {
  const rows = new Map<string, { location: string; sku: string; fulfillable: number; routed: number }>();
  const rowOf = (location: string, sku: string) => {
    const key = keyOf(location, sku);
    let row = rows.get(key);
    if (!row) {
      row = { location, sku, fulfillable: 0, routed: 0 };
      rows.set(key, row);
    }
    return row;
  };
  for (const level of stock) rowOf(level.location, level.sku).fulfillable = level.available;
  for (const line of routed) {
    if (isUnallocated(line.state)) rowOf(line.location, line.sku).routed += line.quantity;
  }
  return [...rows.values()]
    .map((row) => ({ ...row, atp: availableToPromise(row.fulfillable, row.routed) }))
    .sort((a, b) =>
      a.location === b.location
        ? a.sku < b.sku
          ? -1
          : a.sku > b.sku
            ? 1
            : 0
        : a.location < b.location
          ? -1
          : 1,
    );
}
