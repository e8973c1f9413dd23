import type { Hub } from '../hub.ts';
import { enqueue } from '../jobs.ts';
import { refreshOrderFromShipments } from '../order-status.ts';
import { recordOrderEvent } from '../timeline.ts';

export type ReleaseResult =
  | { outcome: 'not_found' }
  | { outcome: 'refused'; reason: 'cancelled' | 'nothing_held'; message: string }
  | {
      /** A whole-order hold: the order is queued to be routed without the lines. */
      outcome: 'queued' | 'released';
      status: string;
      excludedLines: { id: string; sourceLineId: string; name: string; sku: string | null }[];
    };

/**
 * A person releases an order without the lines the 3PL cannot identify. A held order is routed
 * again without them; a held part is closed, and the order is complete once the rest has shipped.
 * The lines stay on the order, marked excluded, and are never sent.
 */
export async function releaseWithoutUnidentified(
  hub: Pick<Hub, 'boss' | 'db'>,
  orderId: string,
): Promise<ReleaseResult> {
  return hub.db.transaction().execute(async (trx): Promise<ReleaseResult> => {
    const order = await trx
      .selectFrom('orders')
      .select(['id', 'merchant_id', 'status', 'status_reason', 'cancelled'])
      .where('id', '=', orderId)
      .forUpdate()
      .executeTakeFirst();
    if (!order) return { outcome: 'not_found' };
    if (order.cancelled || order.status === 'cancelled') {
      return { outcome: 'refused', reason: 'cancelled', message: 'the order is cancelled' };
    }
    const held = await trx
      .selectFrom('order_lines')
      .select(['id', 'source_line_id', 'name', 'sku', 'disposition_detail'])
      .where('order_id', '=', orderId)
      .where('disposition', '=', 'held')
      .orderBy('source_line_id')
      .execute();
    if (held.length === 0) {
      const how =
        order.status === 'on_hold'
          ? `it is held for ${order.status_reason ?? 'another reason'}; see its statusDetail for what releases it${
              order.status_reason === 'missing_sku' || order.status_reason === 'unknown_sku'
                ? ' (route it again with POST /api/orders/:id/retry first, so its unidentified lines are named)'
                : ''
            }`
          : `it is ${order.status}`;
      return {
        outcome: 'refused',
        reason: 'nothing_held',
        message: `the order has no lines held for the 3PL to identify: ${how}`,
      };
    }
    const at = new Date().toISOString();
    for (const line of held) {
      await trx
        .updateTable('order_lines')
        .set({
          disposition: 'excluded',
          disposition_detail: JSON.stringify({
            message: 'Released without this line through the API: it will not be shipped.',
            at,
            was: line.disposition_detail,
          }),
        })
        .where('id', '=', line.id)
        .execute();
    }
    const excludedLines = held.map((line) => ({
      id: line.id,
      sourceLineId: line.source_line_id,
      name: line.name,
      sku: line.sku,
    }));
    await recordOrderEvent(trx, {
      merchantId: order.merchant_id,
      orderId,
      type: 'order.released_without_lines',
      detail: { lines: excludedLines },
    });
    if (order.status === 'on_hold') {
      await enqueue(hub.boss, 'advance-order', { orderId }, { serialKey: orderId, trx });
      return { outcome: 'queued', status: order.status, excludedLines };
    }
    await refreshOrderFromShipments(trx, orderId);
    const after = await trx
      .selectFrom('orders')
      .select('status')
      .where('id', '=', orderId)
      .executeTakeFirstOrThrow();
    return { outcome: 'released', status: after.status, excludedLines };
  });
}
