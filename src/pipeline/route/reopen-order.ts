import type { Hub } from '../hub.ts';
import { moveOrderTo } from '../order-status.ts';
import { holdsOf, isActive } from './order-holds.ts';

const HELD = new Set(['on_hold', 'exception']);

/**
 * A person's retry of a held order: one with nothing live at a 3PL goes back to `received`, to be
 * routed afresh and answered to the storefront again. An order with a live shipment is left as it
 * is; routing it afresh would add a second shipment. So is an order a hold still stops.
 */
export async function reopenHeldOrder(deps: Pick<Hub, 'db'>, orderId: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const order = await trx
      .selectFrom('orders')
      .select(['id', 'merchant_id', 'status'])
      .where('id', '=', orderId)
      .forUpdate()
      .executeTakeFirst();
    const live = await trx
      .selectFrom('shipments')
      .select('id')
      .where('order_id', '=', orderId)
      .where('status', 'not in', ['rejected', 'cancelled'])
      .executeTakeFirst();
    // A hold a rule or a person put on it stands until it is released or runs out.
    const now = new Date();
    const held = (await holdsOf(trx, orderId)).some((hold) => hold.scope === 'order' && isActive(hold, now));
    if (order && !live && !held && HELD.has(order.status)) {
      await moveOrderTo(trx, order, 'received', { code: 'retry' });
      await trx.updateTable('orders').set({ routing_answer: null }).where('id', '=', orderId).execute();
    }
  });
}
