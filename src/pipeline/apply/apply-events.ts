import type { CanonicalEvent } from '../../sdk/contracts.ts';
import { NeedsHumanError } from '../../sdk/errors.ts';
import type { LoadedConnection } from '../connection-store.ts';
import type { Hub } from '../hub.ts';
import { enqueue } from '../jobs.ts';
import { redactAccount, redactCustomer, reportCustomerData } from './apply-privacy.ts';
import { applyShipmentEvent } from './apply-shipment-event.ts';
import { storeStockLevels } from './apply-stock.ts';
import { holdInvalidOrder } from './hold-invalid-order.ts';
import { flagOrderCancelled, upsertOrder } from './upsert-order.ts';

export interface ApplySummary {
  orders: { orderId: string; outcome: string }[];
  shipments: string[];
  stockLevels: number;
  skipped: string[];
  /**
   * Orders a change may take forward (routing, submission, cancellation): the caller continues
   * with them in the same job, in this order. Applying stops at the apply stage, which imports no
   * later one.
   */
  advance: string[];
}

export type ApplyDeps = Pick<Hub, 'db' | 'boss' | 'connections' | 'log'>;

// What still applies to a connection that was uninstalled: privacy requests arrive days later.
const AFTER_UNINSTALL = new Set([
  'connection.uninstalled',
  'customer.redact',
  'customer.data_request',
  'account.redact',
]);

/**
 * Applies a connector's canonical events, from a webhook or from a reconciliation poll alike. An
 * order change is returned in `advance`, for the same job to continue through routing and
 * submission (one hop, not three); anything that concerns another party (tracking, stock) is
 * enqueued.
 */
export async function applyEvents(
  hub: ApplyDeps,
  source: LoadedConnection,
  events: CanonicalEvent[],
  via: string,
): Promise<ApplySummary> {
  const summary: ApplySummary = { orders: [], shipments: [], stockLevels: 0, skipped: [], advance: [] };
  const scope = { merchantId: source.row.merchant_id, storefrontConnectionId: source.row.id, via };
  for (const event of events) {
    if (source.row.status !== 'active' && !AFTER_UNINSTALL.has(event.type)) {
      summary.skipped.push(event.type);
      continue;
    }
    switch (event.type) {
      case 'order.upserted': {
        requireRole(source, 'storefront', event.type);
        const result = await hub.db.transaction().execute((trx) => upsertOrder(trx, scope, event.order));
        summary.orders.push(result);
        // Also after a stale or repeated version: a retry must finish what a failed attempt began.
        summary.advance.push(result.orderId);
        break;
      }
      case 'order.cancelled': {
        requireRole(source, 'storefront', event.type);
        const orderId = await hub.db
          .transaction()
          .execute((trx) =>
            flagOrderCancelled(
              trx,
              scope,
              event.sourceOrderId,
              event.sourceUpdatedAt,
              event.requested ?? false,
            ),
          );
        summary.orders.push({
          orderId: orderId ?? '',
          outcome: orderId ? 'cancel_requested' : 'unknown_order',
        });
        if (orderId) summary.advance.push(orderId);
        break;
      }
      case 'order.invalid': {
        requireRole(source, 'storefront', event.type);
        const held = await holdInvalidOrder(hub, scope, event);
        summary.orders.push({ orderId: held.orderId ?? '', outcome: `invalid_${held.outcome}` });
        break;
      }
      case 'shipment.updated': {
        requireRole(source, 'fulfillment', event.type);
        summary.shipments.push(await applyShipmentEvent(hub, source, event));
        break;
      }
      case 'stock.changed': {
        requireRole(source, 'fulfillment', event.type);
        // New SKUs queue the re-route of orders held for them, with the levels.
        await storeStockLevels(hub, source.row, event.levels, event.occurredAt);
        summary.stockLevels += event.levels.length;
        break;
      }
      case 'storefront.stock_changed': {
        requireRole(source, 'storefront', event.type);
        await reconcileStorefrontStock(hub, source, event.levels);
        break;
      }
      case 'connection.uninstalled': {
        await hub.db
          .updateTable('connections')
          .set({ status: 'uninstalled', updated_at: new Date() })
          .where('id', '=', source.row.id)
          .execute();
        hub.connections.forget(source.row.id);
        hub.log.warn({ connectionId: source.row.id }, 'connection uninstalled by the merchant');
        break;
      }
      case 'customer.redact':
        await redactCustomer(hub, source, event.customer, event.requestId);
        break;
      case 'customer.data_request':
        await reportCustomerData(hub, source, event.customer, event.requestId);
        break;
      case 'account.redact':
        await redactAccount(hub, source, event.requestId);
        break;
    }
  }
  return summary;
}

/**
 * A storefront reported its own stock. When it equals what we last published it is the echo of our
 * write and nothing happens; otherwise someone changed it there, and the 3PL's count is put back.
 */
async function reconcileStorefrontStock(
  hub: Pick<Hub, 'db' | 'boss'>,
  source: LoadedConnection,
  levels: { sku: string; available: number }[],
) {
  if (levels.length === 0) return;
  const published = await hub.db
    .selectFrom('stock_publications')
    .select(['sku', 'available'])
    .where('connection_id', '=', source.row.id)
    .where(
      'sku',
      'in',
      levels.map((l) => l.sku),
    )
    .execute();
  const last = new Map(published.map((p) => [p.sku, p.available]));
  const drifted = levels.filter((l) => last.has(l.sku) && last.get(l.sku) !== l.available).map((l) => l.sku);
  if (drifted.length === 0) return;
  await hub.db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('stock_publications')
      .where('connection_id', '=', source.row.id)
      .where('sku', 'in', drifted)
      .execute();
    await enqueue(
      hub.boss,
      'publish-stock',
      { connectionId: source.row.id },
      { serialKey: source.row.id, trx },
    );
  });
}

function requireRole(source: LoadedConnection, role: 'storefront' | 'fulfillment', eventType: string) {
  if (source.row.role !== role) {
    throw new NeedsHumanError(
      'event_role_mismatch',
      `${eventType} came from a ${source.row.role} connection`,
      {
        connectionId: source.row.id,
      },
    );
  }
}
