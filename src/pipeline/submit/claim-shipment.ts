import { sql } from 'kysely';
import { RetryableError } from '../../sdk/errors.ts';
import type { Hub } from '../hub.ts';

export type ClaimDeps = Pick<Hub, 'db' | 'config'>;

/**
 * Claims a pending shipment for this job's call to the 3PL. Another job (the same order's next
 * delivery, a retry from ops, a cancellation, another hub process) finds it claimed and comes back
 * later; a claim left by a dead process expires after twice the job heartbeat.
 */
export async function claimShipment(deps: ClaimDeps, shipmentId: string): Promise<boolean> {
  const ttlSeconds = deps.config.jobs.heartbeatSeconds * 2;
  const claimed = await deps.db
    .updateTable('shipments')
    .set({ claimed_until: sql<Date>`now() + make_interval(secs => ${ttlSeconds})` })
    .where('id', '=', shipmentId)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', sql<Date>`now()`)]))
    .returning('id')
    .executeTakeFirst();
  return claimed !== undefined;
}

/** Gives the claim back after a call that failed, so the next attempt need not wait for it to expire. */
export async function releaseShipment(deps: Pick<Hub, 'db'>, shipmentId: string): Promise<void> {
  await deps.db.updateTable('shipments').set({ claimed_until: null }).where('id', '=', shipmentId).execute();
}

export function shipmentBusy(shipmentId: string): RetryableError {
  return new RetryableError(
    'shipment_busy',
    'another job is talking to the 3PL about this shipment',
    { shipmentId },
    2_000,
  );
}
