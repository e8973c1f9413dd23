import { applyDeliveryHandler } from './apply/apply-delivery.ts';
import { applyShipmentEventIn } from './apply/apply-shipment-event.ts';
import { releaseShipmentConflicts } from './apply/shipment-conflicts.ts';
import type { Hub } from './hub.ts';
import type { JobHandler, JobHandlers } from './jobs.ts';
import { reconcileHandler } from './reconcile.ts';
import { retentionHandler } from './retention.ts';
import { advanceOrder } from './route/advance-order.ts';
import { moveOrderTo } from './route/order-status.ts';
import { rerouteHeldHandler } from './route/reroute-held.ts';
import { publishStockHandler } from './writeback/publish-stock.ts';
import { writeTrackingHandler } from './writeback/write-tracking.ts';

/** Routes an order again (after ops fixed its cause, or when stock it was held for appeared), or releases a held 3PL event. */
function advanceOrderHandler(hub: Hub): JobHandler<'advance-order'> {
  return {
    async run({ orderId }) {
      // A 3PL event held for a conflict of ids: the person's retry trusts our reference and applies it.
      await releaseShipmentConflicts(hub, orderId, (trx, source, event) =>
        applyShipmentEventIn(hub, trx, source, event),
      );
      await hub.db.transaction().execute(async (trx) => {
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
        // Only an order with nothing live at a 3PL is routed afresh; otherwise a second shipment would follow.
        if (order && !live && (order.status === 'on_hold' || order.status === 'exception')) {
          await moveOrderTo(trx, order, 'received', { code: 'retry' });
          await trx.updateTable('orders').set({ routing_answer: null }).where('id', '=', orderId).execute();
        }
      });
      await advanceOrder(hub, orderId);
    },
  };
}

export function createHandlers(hub: Hub): JobHandlers {
  return {
    'apply-delivery': applyDeliveryHandler(hub),
    'advance-order': advanceOrderHandler(hub),
    'write-tracking': writeTrackingHandler(hub),
    'publish-stock': publishStockHandler(hub),
    reconcile: reconcileHandler(hub),
    'reroute-held': rerouteHeldHandler(hub),
    retention: retentionHandler(hub),
  };
}
