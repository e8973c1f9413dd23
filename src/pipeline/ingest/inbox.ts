import type { Kysely, Transaction } from 'kysely';
import type { PgBoss } from 'pg-boss';
import type { Database, DeliveryStatus } from '../../db/types.ts';
import { enqueue } from '../jobs.ts';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * The inbox: every change the hub hears of (a webhook, a reconciliation poll, a replay) is a
 * delivery row and the apply job for it, written in one transaction, so an acknowledged change is
 * never lost and is applied once. Webhooks, polls and the replay route all go through here.
 */

/**
 * The one serial-key rule: deliveries about the same thing on one connection (an order, a
 * shipment, the stock) are applied one at a time, in order; one about nothing in particular is
 * its own key.
 */
export function applySerialKey(delivery: {
  id: string;
  connection_id: string | null;
  serial_key: string | null;
}): string {
  return `${delivery.connection_id}:${delivery.serial_key ?? delivery.id}`;
}

/** Queues the apply job of a stored delivery, in the transaction that stored (or reset) it. */
export async function enqueueApply(
  boss: PgBoss,
  trx: Transaction<Database>,
  delivery: { id: string; connection_id: string | null; serial_key: string | null },
): Promise<void> {
  await enqueue(
    boss,
    'apply-delivery',
    { deliveryId: delivery.id },
    { serialKey: applySerialKey(delivery), trx },
  );
}

export interface InboxEntry {
  merchantId: string;
  connectionId: string;
  connector: string;
  source: 'webhook' | 'poll';
  topic: string;
  dedupeKey: string | null;
  serialKey: string | null;
  headers: Record<string, string>;
  /** The route's sub-path the platform called (kept for the connector's mapping). */
  subPath?: string | null;
  body: Buffer;
}

/**
 * Stores a change to apply and queues its job, unless a delivery with the same dedupe key is held
 * already (then returns null and stores nothing). Runs in the caller's transaction.
 */
export async function acceptDelivery(
  boss: PgBoss,
  trx: Transaction<Database>,
  entry: InboxEntry,
): Promise<string | null> {
  const inserted = await trx
    .insertInto('deliveries')
    .values({
      merchant_id: entry.merchantId,
      connection_id: entry.connectionId,
      connector: entry.connector,
      source: entry.source,
      topic: entry.topic,
      dedupe_key: entry.dedupeKey,
      serial_key: entry.serialKey,
      headers: JSON.stringify(entry.headers),
      sub_path: entry.subPath ?? null,
      body: entry.body,
      body_size: entry.body.length,
      status: 'received',
      http_status: 200,
    })
    .onConflict((oc) =>
      oc
        .columns(['connection_id', 'dedupe_key'])
        .where('duplicate_of', 'is', null)
        .where('dedupe_key', 'is not', null)
        .doNothing(),
    )
    .returning(['id', 'connection_id', 'serial_key'])
    .executeTakeFirst();
  if (!inserted) return null;
  await enqueueApply(boss, trx, inserted);
  return inserted.id;
}

/** A delivery kept for the record only: a duplicate, a rejection, one with nothing to apply. */
export interface RecordedDelivery {
  connector: string;
  connectionId: string | null;
  merchantId: string | null;
  headers: Record<string, string>;
  subPath?: string | null;
  bodySize: number;
  topic: string | null;
  dedupeKey: string | null;
  serialKey: string | null;
  duplicateOf?: string;
  body: Buffer | null;
  status: DeliveryStatus;
  httpStatus: number;
  rejectReason?: string;
  error?: string;
}

export async function recordDelivery(db: Db, input: RecordedDelivery): Promise<string> {
  const row = await db
    .insertInto('deliveries')
    .values({
      merchant_id: input.merchantId,
      connection_id: input.connectionId,
      connector: input.connector,
      topic: input.topic,
      dedupe_key: input.dedupeKey,
      serial_key: input.serialKey,
      duplicate_of: input.duplicateOf ?? null,
      headers: JSON.stringify(input.headers),
      sub_path: input.subPath ?? null,
      body: input.body,
      body_size: input.bodySize,
      status: input.status,
      http_status: input.httpStatus,
      reject_reason: input.rejectReason ?? null,
      last_error: input.error ?? null,
      processed_at: input.status === 'ignored' ? new Date() : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The delivery first stored under a dedupe key: the one a repeat points at. */
export async function originalDelivery(
  db: Db,
  connectionId: string,
  dedupeKey: string | null,
): Promise<string> {
  const original = await db
    .selectFrom('deliveries')
    .select('id')
    .where('connection_id', '=', connectionId)
    .where('dedupe_key', '=', dedupeKey)
    .where('duplicate_of', 'is', null)
    .executeTakeFirstOrThrow();
  return original.id;
}
