import { isInstant, isStorableText } from '../../sdk/payload.ts';
import type { Hub } from '../hub.ts';
import { moveOrderTo } from '../order-status.ts';
import { recordOrderEvent } from '../timeline.ts';

export const INVALID_ORDER_DATA = 'invalid_order_data';
const RELEASE = 'correct the order in the storefront: its next change is taken, and routed, automatically';

export type InvalidOrderOutcome = 'held' | 'noted' | 'stale' | 'unknown_order';

/**
 * The storefront holds a version of an order that the hub cannot take (a quantity or an amount
 * beyond what it can store, found by the connector or by the hub's own check): nothing of it is
 * applied. An order the hub has not sent anywhere yet is held with the problem, so it shows where
 * people look and does not ship the previous version as if nothing had changed; the storefront's
 * next valid version releases it (upsertOrder reopens held orders). An order already at a 3PL
 * carries on, with the refused version on its timeline.
 */
export async function holdInvalidOrder(
  hub: Pick<Hub, 'db'>,
  scope: { merchantId: string; storefrontConnectionId: string; via: string },
  invalid: { sourceOrderId: unknown; sourceUpdatedAt: unknown; problem: string },
): Promise<{ orderId: string | null; outcome: InvalidOrderOutcome }> {
  const { sourceOrderId } = invalid;
  if (typeof sourceOrderId !== 'string' || !isStorableText(sourceOrderId, 255)) {
    return { orderId: null, outcome: 'unknown_order' };
  }
  const version =
    typeof invalid.sourceUpdatedAt === 'string' && isInstant(invalid.sourceUpdatedAt)
      ? invalid.sourceUpdatedAt
      : null;
  const problem = invalid.problem.slice(0, 2000);
  return hub.db.transaction().execute(async (trx) => {
    const order = await trx
      .selectFrom('orders')
      .select(['id', 'merchant_id', 'status', 'status_reason', 'status_detail', 'source_updated_at'])
      .where('storefront_connection_id', '=', scope.storefrontConnectionId)
      .where('source_order_id', '=', sourceOrderId)
      .forUpdate()
      .executeTakeFirst();
    if (!order) return { orderId: null, outcome: 'unknown_order' as const };
    // An older version than the one held is old news, broken or not.
    if (version && Date.parse(version) <= order.source_updated_at.getTime()) {
      return { orderId: order.id, outcome: 'stale' as const };
    }
    const detail = { problem, sourceUpdatedAt: version, via: scope.via, release: RELEASE };
    // Only a version known to be newer stops an order; an unreadable version is only noted.
    if (version && (order.status === 'received' || order.status === 'on_hold')) {
      if (order.status === 'received') {
        await moveOrderTo(trx, order, 'on_hold', { code: INVALID_ORDER_DATA, detail });
        return { orderId: order.id, outcome: 'held' as const };
      }
      const held = order.status_detail as { problem?: unknown; sourceUpdatedAt?: unknown } | null;
      // The same news again (the webhook, then the poll) changes nothing and adds no timeline line.
      const same =
        order.status_reason === INVALID_ORDER_DATA &&
        held?.problem === problem &&
        held?.sourceUpdatedAt === version;
      if (same) return { orderId: order.id, outcome: 'held' as const };
      await trx
        .updateTable('orders')
        .set({
          status_reason: INVALID_ORDER_DATA,
          status_detail: JSON.stringify(detail),
          updated_at: new Date(),
        })
        .where('id', '=', order.id)
        .execute();
      await recordOrderEvent(trx, {
        merchantId: order.merchant_id,
        orderId: order.id,
        type: 'order.on_hold',
        detail: { from: 'on_hold', reason: INVALID_ORDER_DATA, ...detail },
      });
      return { orderId: order.id, outcome: 'held' as const };
    }
    await recordOrderEvent(trx, {
      merchantId: order.merchant_id,
      orderId: order.id,
      type: 'order.update_refused',
      detail,
    });
    return { orderId: order.id, outcome: 'noted' as const };
  });
}
