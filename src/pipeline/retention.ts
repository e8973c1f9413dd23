import type { Kysely } from 'kysely';
import { deleteExpiredSessions } from '../auth/session-store.ts';
import type { Database } from '../db/types.ts';
import type { Hub } from './hub.ts';
import type { JobHandler } from './jobs.ts';
import { deleteExpiredOutboundCalls } from './ports/outbound-call-log.ts';

/**
 * The retention policy for raw delivery bodies: they carry customers' names and addresses, and
 * the hub needs them only to apply and, for a while, to replay a delivery. After
 * DELIVERY_BODY_RETENTION_DAYS the body is dropped and the delivery's metadata (topic, status,
 * size, times, errors) is kept, marked as erased by retention. A delivery still in flight
 * (received, or failed and retrying) keeps its body whatever its age: an accepted delivery is
 * never lost.
 *
 * Run hourly by a pg-boss schedule; each run erases in small batches, each its own statement, so
 * a large table is never locked for long, and skips rows another transaction holds.
 */
export const RETENTION_CRON = '23 * * * *';

export interface EraseOptions {
  retentionDays: number;
  /** Bodies erased per statement. */
  batchSize?: number;
  /** Statements per run; what is left waits for the next run. */
  maxBatches?: number;
  now?: Date;
}

const IN_FLIGHT = ['received', 'failed'] as const;

/** Erases the bodies older than the retention period; returns how many. */
export async function eraseExpiredDeliveryBodies(
  db: Kysely<Database>,
  options: EraseOptions,
): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  const maxBatches = options.maxBatches ?? 200;
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.retentionDays * 86_400_000);
  let erased = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const result = await db
      .updateTable('deliveries')
      .set({ body: null, body_erased_at: new Date(), body_erased_reason: 'retention' })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('deliveries')
          .select('id')
          .where('body', 'is not', null)
          .where('received_at', '<', cutoff)
          .where('status', 'not in', [...IN_FLIGHT])
          .orderBy('received_at')
          .limit(batchSize)
          .forUpdate()
          .skipLocked(),
      )
      .executeTakeFirst();
    const count = Number(result.numUpdatedRows);
    erased += count;
    if (count < batchSize) break;
  }
  return erased;
}

export function retentionHandler(hub: Pick<Hub, 'config' | 'db'>): JobHandler<'retention'> {
  return {
    async run(_data, { log }) {
      const retentionDays = hub.config.deliveryBodyRetentionDays;
      const erased = await eraseExpiredDeliveryBodies(hub.db, { retentionDays });
      if (erased > 0) log.info({ erased, retentionDays }, 'delivery bodies past retention erased');
      // The outbound call log has its own, longer period: it holds no customer data.
      const deleted = await deleteExpiredOutboundCalls(hub.db);
      if (deleted > 0) log.info({ deleted }, 'outbound calls past retention deleted');
      // Expired sessions are never read back; deleting them keeps the table to the live ones.
      const sessions = await deleteExpiredSessions(hub.db);
      if (sessions > 0) log.info({ sessions }, 'expired sessions deleted');
    },
  };
}
