import type { Kysely } from 'kysely';
import type { Database, PrivacyRequestsTable } from '../db/types.ts';
import { decodeCursor, olderThan, type PageRequest, toPage } from '../http/pagination.ts';
import { type MerchantScope, scopedMerchant } from '../http/scope.ts';

export interface PrivacyRequestFilter extends PageRequest {
  merchantId?: string | undefined;
  kind?: PrivacyRequestsTable['kind'] | undefined;
}

/** The privacy requests the hub carried out, as a scope may see them. */
export function privacyRequestQueries(db: Kysely<Database>) {
  return {
    /** Newest first, one page. */
    async list(scope: MerchantScope, filter: PrivacyRequestFilter) {
      const merchant = scopedMerchant(scope);
      const after = decodeCursor(filter.cursor);
      let query = db
        .selectFrom('privacy_requests')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit + 1);
      if (merchant) query = query.where('merchant_id', '=', merchant);
      if (filter.merchantId) query = query.where('merchant_id', '=', filter.merchantId);
      if (filter.kind) query = query.where('kind', '=', filter.kind);
      if (after) query = query.where(olderThan('privacy_requests', 'created_at', after));
      return toPage(await query.execute(), filter.limit);
    },
  };
}
