import type { Transaction } from 'kysely';
import type { PgBoss } from 'pg-boss';
import type { Database } from '../db/types.ts';
import { enqueue } from './jobs.ts';

// The re-route job's trigger, shared by the stages that cause one (apply: new stock; the admin
// API: SKU map and policy changes) and the route stage that runs it, so none imports another.

/** What may release orders held for unidentified lines, and so which of them to route again. */
export type RerouteTrigger =
  /** A SKU map entry was put: the held lines it names. */
  | {
      kind: 'sku_map';
      entry: { kind: 'sku' | 'product' | 'variant'; storefrontConnectionId: string | null; key: string };
    }
  /** A 3PL reported SKUs the hub had not seen it hold: held lines looking for them there. */
  | { kind: 'stock'; skus: string[] }
  /** The line policy changed: every held line. */
  | { kind: 'policy' };

/** Queues the re-route, in the caller's transaction, so it exists exactly when the change does. */
export async function enqueueReroute(
  boss: PgBoss,
  trx: Transaction<Database>,
  merchantId: string,
  trigger: RerouteTrigger,
): Promise<void> {
  await enqueue(boss, 'reroute-held', { merchantId, trigger }, { serialKey: `reroute:${merchantId}`, trx });
}
