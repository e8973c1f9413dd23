import type { Kysely } from 'kysely';
import type { Database, SkuMapTable } from '../db/types.ts';
import { decodeCursor, olderThan, type PageRequest, toPage } from '../http/pagination.ts';
import { type MerchantScope, scopedMerchant } from '../http/scope.ts';

export interface SkuMapFilter extends PageRequest {
  kind?: SkuMapTable['kind'] | undefined;
}

/** A merchant's SKU map as a scope may read it (writes go through the routing stage's store). */
export function skuMapQueries(db: Kysely<Database>) {
  return {
    /** Newest first, one page; empty for a merchant outside the scope. */
    async list(scope: MerchantScope, merchantId: string, filter: SkuMapFilter) {
      const merchant = scopedMerchant(scope);
      if (merchant && merchant !== merchantId) return { page: [], nextCursor: null };
      const after = decodeCursor(filter.cursor);
      let query = db
        .selectFrom('sku_map')
        .selectAll()
        .where('merchant_id', '=', merchantId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit + 1);
      if (filter.kind) query = query.where('kind', '=', filter.kind);
      if (after) query = query.where(olderThan('sku_map', 'created_at', after));
      return toPage(await query.execute(), filter.limit);
    },
  };
}
