import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, MerchantsTable } from '../db/types.ts';
import { type MerchantScope, scopedMerchant } from '../http/scope.ts';

type Db = Kysely<Database> | Transaction<Database>;
type LinePolicy = Selectable<MerchantsTable>['unidentified_line_policy'];

/** Merchants as a scope may see them: the operator sees all, a merchant itself only. */
export function merchantQueries(db: Kysely<Database>) {
  const visible = (scope: MerchantScope, id: string) => {
    const merchant = scopedMerchant(scope);
    return merchant === null || merchant === id;
  };
  return {
    /** Whether the scope may see this merchant id (without asking the database whether it exists). */
    visible,

    async list(scope: MerchantScope) {
      const merchant = scopedMerchant(scope);
      let query = db.selectFrom('merchants').selectAll().orderBy('created_at');
      if (merchant) query = query.where('id', '=', merchant);
      return query.execute();
    },

    /** Only the operator creates merchants; null for any other scope. */
    async create(scope: MerchantScope, name: string) {
      if (scope.kind !== 'operator') return null;
      return db.insertInto('merchants').values({ name }).returning(['id', 'name']).executeTakeFirstOrThrow();
    },

    async exists(scope: MerchantScope, id: string): Promise<boolean> {
      if (!visible(scope, id)) return false;
      const row = await db.selectFrom('merchants').select('id').where('id', '=', id).executeTakeFirst();
      return row !== undefined;
    },

    async linePolicy(scope: MerchantScope, id: string): Promise<LinePolicy | undefined> {
      if (!visible(scope, id)) return undefined;
      const row = await db
        .selectFrom('merchants')
        .select('unidentified_line_policy')
        .where('id', '=', id)
        .executeTakeFirst();
      return row?.unidentified_line_policy;
    },

    /** Sets the policy in the caller's transaction (which queues the re-route); false when unseen. */
    async setLinePolicy(
      scope: MerchantScope,
      id: string,
      policy: LinePolicy,
      trx: Db = db,
    ): Promise<boolean> {
      if (!visible(scope, id)) return false;
      const row = await trx
        .updateTable('merchants')
        .set({ unidentified_line_policy: policy })
        .where('id', '=', id)
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
