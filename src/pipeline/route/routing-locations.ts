import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/types.ts';
import {
  availableToPromiseByLocation,
  UNALLOCATED_SHIPMENT_STATES,
} from '../../domain/available-to-promise.ts';
import type { RoutingLocation } from '../../routing/routing-model.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** A location as the engine sees it, with where it is in the hub's terms (to store the shipment). */
export interface MerchantLocation extends RoutingLocation {
  /** The 3PL's own key (what `shipments.location` and stock levels carry). */
  locationKey: string;
}

/**
 * The merchant's 3PL locations with today's available to promise per SKU (the 3PL's fulfillable
 * count less what the hub routed there that the 3PL has not allocated yet), for the live route
 * stage and the simulation alike. A location is named for rules by its 3PL key; when two 3PL
 * connections use the same key, the later one (by connection id) is qualified as `key@connection`,
 * so ids stay unique and stable. Locations of a connection that is not active are inactive; those
 * of the merchant's default 3PL rank first for the `priority` strategy.
 */
export async function merchantLocations(
  db: Db,
  merchantId: string,
  options: { defaultConnectionId?: string | null } = {},
): Promise<MerchantLocation[]> {
  const [places, stock, routed] = await Promise.all([
    db
      .selectFrom('locations')
      .innerJoin('connections', 'connections.id', 'locations.connection_id')
      .select([
        'locations.connection_id',
        'locations.location',
        'locations.country_code',
        'locations.latitude',
        'locations.longitude',
        'connections.status',
      ])
      .where('locations.merchant_id', '=', merchantId)
      .where('connections.role', '=', 'fulfillment')
      .where('connections.status', '!=', 'uninstalled')
      .orderBy('locations.connection_id')
      .orderBy('locations.location')
      .execute(),
    db
      .selectFrom('stock_levels')
      .select(['connection_id', 'location', 'sku', 'available'])
      .where('merchant_id', '=', merchantId)
      .execute(),
    db
      .selectFrom('shipments')
      .innerJoin('shipment_lines', 'shipment_lines.shipment_id', 'shipments.id')
      .select((eb) => [
        'shipments.fulfillment_connection_id as connection_id',
        'shipments.location',
        'shipment_lines.sku',
        'shipments.status as state',
        eb.fn.sum<string | number>('shipment_lines.quantity').as('quantity'),
      ])
      .where('shipments.merchant_id', '=', merchantId)
      .where('shipments.location', 'is not', null)
      .where('shipments.status', 'in', UNALLOCATED_SHIPMENT_STATES)
      .groupBy([
        'shipments.fulfillment_connection_id',
        'shipments.location',
        'shipment_lines.sku',
        'shipments.status',
      ])
      .execute(),
  ]);
  const stockOf = Map.groupBy(stock, (level) => level.connection_id);
  const routedOf = Map.groupBy(routed, (line) => line.connection_id);
  const atpByConnection = new Map<string, Map<string, Record<string, number>>>();
  for (const connectionId of new Set(places.map((place) => place.connection_id))) {
    const rows = availableToPromiseByLocation(
      stockOf.get(connectionId) ?? [],
      (routedOf.get(connectionId) ?? []).flatMap((line) =>
        line.location
          ? [{ location: line.location, sku: line.sku, state: line.state, quantity: Number(line.quantity) }]
          : [],
      ),
    );
    const byLocation = new Map<string, Record<string, number>>();
    for (const row of rows) {
      const available = byLocation.get(row.location) ?? {};
      available[row.sku] = row.atp;
      byLocation.set(row.location, available);
    }
    atpByConnection.set(connectionId, byLocation);
  }

  const ownerOfKey = new Map<string, string>();
  return places.map((place) => {
    const owner = ownerOfKey.get(place.location) ?? place.connection_id;
    ownerOfKey.set(place.location, owner);
    const hasPoint = place.latitude !== null && place.longitude !== null;
    return {
      locationId: owner === place.connection_id ? place.location : `${place.location}@${place.connection_id}`,
      locationKey: place.location,
      fulfillmentConnectionId: place.connection_id,
      country: place.country_code,
      coordinates: hasPoint ? { latitude: place.latitude ?? 0, longitude: place.longitude ?? 0 } : null,
      priority: options.defaultConnectionId === place.connection_id ? 0 : null,
      safetyStock: 0,
      available: atpByConnection.get(place.connection_id)?.get(place.location) ?? {},
      active: place.status === 'active',
    };
  });
}
