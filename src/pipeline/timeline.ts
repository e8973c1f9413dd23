import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/types.ts';

/** One line of an order's timeline: everything that happened to it, inbound and outbound. */
export async function recordOrderEvent(
  db: Kysely<Database> | Transaction<Database>,
  event: { merchantId: string; orderId: string; type: string; detail?: Record<string, unknown> },
): Promise<void> {
  await db
    .insertInto('order_events')
    .values({
      merchant_id: event.merchantId,
      order_id: event.orderId,
      type: event.type,
      detail: JSON.stringify(event.detail ?? {}),
    })
    .execute();
}
