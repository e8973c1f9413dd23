import type { Kysely } from 'kysely';
import type { Database, DeliveryStatus } from '../db/types.ts';
import { decodeCursor, olderThan, type PageRequest, toPage } from '../http/pagination.ts';
import { type MerchantScope, scopedMerchant } from '../http/scope.ts';

export const DELIVERY_STATUSES = [
  'received',
  'processed',
  'failed',
  'dead',
  'duplicate',
  'rejected',
  'ignored',
] as const satisfies readonly DeliveryStatus[];

export interface DeliveryFilter extends PageRequest {
  status?: DeliveryStatus | undefined;
  connector?: string | undefined;
  connectionId?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

/**
 * The event log as a scope may see it. A delivery refused before it named a connection has no
 * merchant, so only the operator sees it.
 */
export function deliveryQueries(db: Kysely<Database>) {
  return {
    /** Newest first, one page. */
    async list(scope: MerchantScope, filter: DeliveryFilter) {
      const merchant = scopedMerchant(scope);
      const after = decodeCursor(filter.cursor);
      let query = db
        .selectFrom('deliveries')
        .selectAll()
        .orderBy('received_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit + 1);
      if (merchant) query = query.where('merchant_id', '=', merchant);
      if (filter.status) query = query.where('status', '=', filter.status);
      if (filter.connector) query = query.where('connector', '=', filter.connector);
      if (filter.connectionId) query = query.where('connection_id', '=', filter.connectionId);
      if (filter.since) query = query.where('received_at', '>=', new Date(filter.since));
      if (filter.until) query = query.where('received_at', '<', new Date(filter.until));
      if (after) query = query.where(olderThan('deliveries', 'received_at', after));
      return toPage(await query.execute(), filter.limit);
    },

    /** One delivery, or undefined when there is none the scope may see. */
    async find(scope: MerchantScope, id: string) {
      const merchant = scopedMerchant(scope);
      let query = db.selectFrom('deliveries').selectAll().where('id', '=', id);
      if (merchant) query = query.where('merchant_id', '=', merchant);
      return query.executeTakeFirst();
    },
  };
}
