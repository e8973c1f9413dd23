import type { BodyErasedReason, Delivery, DeliveryStatus } from '../../db/types.ts';
import type { Hub } from '../hub.ts';
import { applySerialKey, enqueueApply } from './inbox.ts';

export type ReplayDeps = Pick<Hub, 'db' | 'boss'>;

export type ReplayRefusal = 'duplicate' | 'rejected' | 'no_body' | 'no_connection';

/** What `POST /api/deliveries/:id/replay` answers, decided here; the route only maps it to HTTP. */
export type ReplayOutcome =
  | { kind: 'body_erased'; message: string }
  | { kind: 'refused'; reason: ReplayRefusal; message: string; originalDeliveryId: string | null }
  | {
      kind: 'queued' | 'already_queued';
      deliveryId: string;
      previousStatus: DeliveryStatus;
      status: DeliveryStatus;
      message: string;
    };

const ERASED_BECAUSE: Record<BodyErasedReason, string> = {
  retention: 'by the retention policy, DELIVERY_BODY_RETENTION_DAYS',
  customer_redact: 'by a customer’s privacy erasure',
  account_redact: 'by the store’s privacy erasure',
};

// A job backing off after a failure ('retry') is no reason to wait: a replay tries again now.
const QUEUED_OR_RUNNING = new Set(['created', 'active']);

/**
 * Applies a stored delivery again, through the same inbox job as when it arrived (safe: changes
 * apply only when newer). One already waiting or being applied is left alone. The caller found
 * the row within its merchant scope.
 */
export async function replayDelivery(deps: ReplayDeps, row: Delivery): Promise<ReplayOutcome> {
  if (row.body_erased_at) {
    return {
      kind: 'body_erased',
      message: `the body was erased (${ERASED_BECAUSE[row.body_erased_reason ?? 'retention']}) on ${new Date(row.body_erased_at).toISOString()}; only its record is kept, so there is nothing to replay`,
    };
  }
  const refusal = replayRefusal(row);
  if (refusal) return { kind: 'refused', ...refusal, originalDeliveryId: row.duplicate_of };
  const waiting = await deps.boss.findJobs('apply-delivery', {
    key: applySerialKey(row),
    data: { deliveryId: row.id },
  });
  if (waiting.some((job) => QUEUED_OR_RUNNING.has(job.state))) {
    return {
      kind: 'already_queued',
      deliveryId: row.id,
      previousStatus: row.status,
      status: row.status,
      message: 'the delivery is waiting to be applied or being applied now; nothing was added',
    };
  }
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('deliveries')
      .set({ status: 'received', last_error: null })
      .where('id', '=', row.id)
      .execute();
    await enqueueApply(deps.boss, trx, row);
  });
  return {
    kind: 'queued',
    deliveryId: row.id,
    previousStatus: row.status,
    status: 'received',
    message:
      row.status === 'processed'
        ? 'applied once already; it is applied again, and changes older than what the hub holds are ignored'
        : 'it will be applied again',
  };
}

/** Why a delivery cannot be applied again, or null when it can. */
function replayRefusal(row: Delivery): { reason: ReplayRefusal; message: string } | null {
  if (row.status === 'duplicate')
    return { reason: 'duplicate', message: 'a repeat of another delivery: replay the original instead' };
  if (row.status === 'rejected')
    return {
      reason: 'rejected',
      message: `refused when it arrived (${row.reject_reason ?? 'rejected'}), so there is nothing to apply`,
    };
  if (!row.connection_id) return { reason: 'no_connection', message: 'its connection no longer exists' };
  if (!row.body) return { reason: 'no_body', message: 'its body is no longer kept, so it cannot be applied' };
  return null;
}
