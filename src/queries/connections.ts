import type { Kysely } from 'kysely';
import type { Database } from '../db/types.ts';
import {
  availableToPromiseByLocation,
  type LocationAtp,
  UNALLOCATED_SHIPMENT_STATES,
} from '../domain/available-to-promise.ts';
import { type MerchantScope, scopedMerchant } from '../http/scope.ts';

/** Connections (storefronts and 3PLs) as a scope may see them. */
export function connectionQueries(db: Kysely<Database>) {
  return {
    /** Oldest first; the operator may narrow to one merchant. */
    async list(scope: MerchantScope, filter: { merchantId?: string | undefined }) {
      const merchant = scopedMerchant(scope);
      let query = db.selectFrom('connections').selectAll().orderBy('created_at');
      if (merchant) query = query.where('merchant_id', '=', merchant);
      if (filter.merchantId) query = query.where('merchant_id', '=', filter.merchantId);
      return query.execute();
    },

    /** One connection, or undefined when there is none the scope may see. */
    async find(scope: MerchantScope, id: string) {
      const merchant = scopedMerchant(scope);
      let query = db.selectFrom('connections').selectAll().where('id', '=', id);
      if (merchant) query = query.where('merchant_id', '=', merchant);
      return query.executeTakeFirst();
    },

    /**
     * A 3PL connection's locations, each with its stock per SKU and what is available to promise
     * there; [] when the scope may not see the connection. Locations sorted by key, SKUs by SKU.
     */
    async locations(scope: MerchantScope, connectionId: string) {
      const merchant = scopedMerchant(scope);
      let query = db
        .selectFrom('locations')
        .selectAll()
        .where('connection_id', '=', connectionId)
        .orderBy('location');
      if (merchant) query = query.where('merchant_id', '=', merchant);
      const locations = await query.execute();
      if (locations.length === 0) return [];
      const merchantId = locations[0]?.merchant_id ?? '';
      const [stock, routed] = await Promise.all([
        db
          .selectFrom('stock_levels')
          .select(['location', 'sku', 'available', 'as_of'])
          .where('connection_id', '=', connectionId)
          .where('merchant_id', '=', merchantId)
          .execute(),
        db
          .selectFrom('shipments')
          .innerJoin('shipment_lines', 'shipment_lines.shipment_id', 'shipments.id')
          .select((eb) => [
            'shipments.location',
            'shipment_lines.sku',
            'shipments.status as state',
            eb.fn.sum<string | number>('shipment_lines.quantity').as('quantity'),
          ])
          .where('shipments.fulfillment_connection_id', '=', connectionId)
          .where('shipments.merchant_id', '=', merchantId)
          .where('shipments.location', 'is not', null)
          .where('shipments.status', 'in', UNALLOCATED_SHIPMENT_STATES)
          .groupBy(['shipments.location', 'shipment_lines.sku', 'shipments.status'])
          .execute(),
      ]);
      const atp = availableToPromiseByLocation(
        stock,
        routed.flatMap((row) =>
          row.location
            ? [{ location: row.location, sku: row.sku, state: row.state, quantity: Number(row.quantity) }]
            : [],
        ),
      );
      const asOf = new Map(stock.map((level) => [`${level.location}\u0000${level.sku}`, level.as_of]));
      const byLocation = new Map<string, (LocationAtp & { asOf: Date | null })[]>();
      for (const row of atp) {
        const rows = byLocation.get(row.location) ?? [];
        rows.push({ ...row, asOf: asOf.get(`${row.location}\u0000${row.sku}`) ?? null });
        byLocation.set(row.location, rows);
      }
      return locations.map((location) => ({ ...location, stock: byLocation.get(location.location) ?? [] }));
    },

    /** Whether the connection is one of the merchant's storefronts, within the scope. */
    async isStorefrontOf(scope: MerchantScope, merchantId: string, connectionId: string) {
      const merchant = scopedMerchant(scope);
      if (merchant && merchant !== merchantId) return false;
      const row = await db
        .selectFrom('connections')
        .select('id')
        .where('id', '=', connectionId)
        .where('merchant_id', '=', merchantId)
        .where('role', '=', 'storefront')
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
