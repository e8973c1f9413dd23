import type { CanonicalEvent } from '../../sdk/contracts.ts';
import { NeedsHumanError } from '../../sdk/errors.ts';
import type { LoadedConnection } from '../connection-store.ts';
import type { Hub } from '../hub.ts';
import { enqueue } from '../jobs.ts';
import { advanceOrder } from '../route/advance-order.ts';
import { applyShipmentEvent } from './apply-shipment-event.ts';
import { ordersHeldForUnknownSkus, storeStockLevels } from './apply-stock.ts';
import { flagOrderCancelled, upsertOrder } from './upsert-order.ts';

export interface ApplySummary {
  orders: { orderId: string; outcome: string }[];
  shipments: string[];
  stockLevels: number;
}

/**
 * Applies a connector's canonical events, from a webhook or from a reconciliation poll alike. An
 * order change continues in the same job through routing and submission (one hop, not three);
 * anything that concerns another party (tracking, stock) is enqueued.
 */
export async function applyEvents(hub: Hub, source: LoadedConnection, events: CanonicalEvent[], via: string): Promise<ApplySummary> {
  const summary: ApplySummary = { orders: [], shipments: [], stockLevels: 0 };
  const scope = { merchantId: source.row.merchant_id, storefrontConnectionId: source.row.id, via };
  for (const event of events) {
    switch (event.type) {
      case 'order.upserted': {
        requireRole(source, 'storefront', event.type);
        const result = await hub.db.transaction().execute((trx) => upsertOrder(trx, scope, event.order));
        summary.orders.push(result);
        // Also after a stale or repeated version: a retry must finish what a failed attempt began.
        await advanceOrder(hub, result.orderId);
        break;
      }
      case 'order.cancelled': {
        requireRole(source, 'storefront', event.type);
        const orderId = await hub.db
          .transaction()
          .execute((trx) => flagOrderCancelled(trx, scope, event.sourceOrderId, event.sourceUpdatedAt));
        summary.orders.push({ orderId: orderId ?? '', outcome: orderId ? 'cancel_requested' : 'unknown_order' });
        if (orderId) await advanceOrder(hub, orderId);
        break;
      }
      case 'shipment.updated': {
        requireRole(source, 'fulfillment', event.type);
        summary.shipments.push(await applyShipmentEvent(hub, source, event));
        break;
      }
      case 'stock.changed': {
        requireRole(source, 'fulfillment', event.type);
        const newSkus = await storeStockLevels(hub, source.row, event.levels, event.occurredAt);
        summary.stockLevels += event.levels.length;
        if (newSkus.length > 0) {
          for (const orderId of await ordersHeldForUnknownSkus(hub, source.row.merchant_id)) {
            await enqueue(hub.boss, 'advance-order', { orderId }, { serialKey: orderId });
          }
        }
        break;
      }
    }
  }
  return summary;
}

function requireRole(source: LoadedConnection, role: 'storefront' | 'fulfillment', eventType: string) {
  if (source.row.role !== role) {
    throw new NeedsHumanError('event_role_mismatch', `${eventType} came from a ${source.row.role} connection`, {
      connectionId: source.row.id,
    });
  }
}
