import type { StorefrontConnector } from '../../sdk/contracts.ts';
import type { Hub } from '../hub.ts';
import { recordOrderEvent } from '../timeline.ts';

export type AnswerDeps = Pick<Hub, 'db' | 'connections'>;

const AT_A_3PL = new Set(['submitted', 'accepted', 'partially_shipped', 'shipped', 'delivered']);

async function storefrontOf(deps: AnswerDeps, orderId: string) {
  const order = await deps.db
    .selectFrom('orders')
    .selectAll()
    .where('id', '=', orderId)
    .executeTakeFirstOrThrow();
  const storefront = await deps.connections.get(order.storefront_connection_id);
  if (storefront?.row.status !== 'active') return null;
  return {
    order,
    storefront,
    connector: storefront.connector as StorefrontConnector,
    ref: {
      sourceOrderId: order.source_order_id,
      sourceOrderName: order.source_order_name,
      sourceData: order.source_data,
    },
  };
}

/**
 * Tells the storefront, once, whether the hub takes the order (Shopify's fulfillment requests):
 * accepted when every shipment is at a 3PL, rejected with the reason when the order is held.
 * The answer is recorded after the call succeeds, so a crash in between asks again (connectors
 * treat a repeated answer as done).
 */
export async function answerRoutingOnce(deps: AnswerDeps, orderId: string): Promise<void> {
  const found = await storefrontOf(deps, orderId);
  if (!found?.connector.answerRouting || found.order.routing_answer) return;
  const { order } = found;
  let outcome: 'accepted' | 'rejected' | null = null;
  if (order.status === 'on_hold') outcome = 'rejected';
  else if (AT_A_3PL.has(order.status)) {
    const pending = await deps.db
      .selectFrom('shipments')
      .select('id')
      .where('order_id', '=', orderId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (!pending) outcome = 'accepted';
  }
  if (!outcome) return;
  const reason = outcome === 'rejected' ? (order.status_reason ?? 'cannot be routed') : null;
  await deps.connections.call(found.storefront, () =>
    found.connector.answerRouting!(found.storefront.context, { order: found.ref, outcome: outcome!, reason }),
  );
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('orders').set({ routing_answer: outcome }).where('id', '=', orderId).execute();
    await recordOrderEvent(trx, {
      merchantId: order.merchant_id,
      orderId,
      type: `routing.${outcome}`,
      detail: reason ? { reason } : {},
    });
  });
}

/** Answers the storefront's cancellation request, and records that it was answered. */
export async function answerCancellation(
  deps: AnswerDeps,
  orderId: string,
  outcome: 'cancelled' | 'refused',
  reason: string | null,
): Promise<void> {
  const found = await storefrontOf(deps, orderId);
  if (found?.connector.answerCancellation) {
    await deps.connections.call(found.storefront, () =>
      found.connector.answerCancellation!(found.storefront.context, { order: found.ref, outcome, reason }),
    );
  }
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('orders')
      .set({ cancellation_requested: false })
      .where('id', '=', orderId)
      .execute();
    if (found) {
      await recordOrderEvent(trx, {
        merchantId: found.order.merchant_id,
        orderId,
        type: `cancellation.${outcome}`,
        detail: reason ? { reason } : {},
      });
    }
  });
}
