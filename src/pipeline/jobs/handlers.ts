import { applyDeliveryHandler } from '../apply/apply-delivery.ts';
import type { Hub } from '../hub.ts';
import type { JobHandlers } from '../jobs.ts';
import { reconcileHandler } from '../reconcile/reconcile.ts';
import { retentionHandler } from '../retention.ts';
import { releaseDueHold } from '../route/order-holds.ts';
import { rerouteHeldHandler } from '../route/reroute-held.ts';
import { publishStockHandler } from '../writeback/publish-stock.ts';
import { writeTrackingHandler } from '../writeback/write-tracking.ts';
import { advanceOrder, advanceOrderHandler } from './advance-order.ts';

/**
 * The one place that sees every stage: each queue's handler, given only the parts of the hub it
 * uses. A stage that hands work to a later one in the same job (apply → route) gets it passed in
 * here, so no stage imports a later one.
 */
export function createHandlers(hub: Hub): JobHandlers {
  return {
    'apply-delivery': applyDeliveryHandler({
      db: hub.db,
      boss: hub.boss,
      connections: hub.connections,
      log: hub.log,
      advanceOrder: (orderId) => advanceOrder(hub, orderId),
    }),
    'advance-order': advanceOrderHandler(hub),
    'write-tracking': writeTrackingHandler(hub),
    'publish-stock': publishStockHandler(hub),
    reconcile: reconcileHandler(hub),
    'reroute-held': rerouteHeldHandler(hub),
    'release-hold': { run: ({ holdId }) => releaseDueHold(hub, holdId) },
    retention: retentionHandler(hub),
  };
}
