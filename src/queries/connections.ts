import type { Kysely } from 'kysely';
import type { Database } from '../db/types.ts';
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
