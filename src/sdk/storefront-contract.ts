/**
 * What a storefront connector implements (Shopify, WooCommerce): the hub takes its orders and
 * tells it back what happened (tracking, stock, routing and cancellation answers).
 */

import type { Tracking } from '../domain/order.ts';
import type {
  ConnectionContext,
  ConnectionLifecycle,
  ConnectorManifest,
  OrderRef,
  PollResult,
  WebhookHandling,
} from './contracts.ts';
import type { InstallRoute } from './install-contract.ts';

// biome-ignore lint/suspicious/noExplicitAny: the registry holds connectors of every settings type
export interface StorefrontConnector<S = any, C = any>
  extends WebhookHandling<S, C>,
    ConnectionLifecycle<S, C> {
  manifest: ConnectorManifest & { role: 'storefront' };
  install?: { routes: InstallRoute[] };
  /**
   * Tells the storefront a shipment left, with tracking; must be idempotent on `shipment.id`.
   *
   * @example
   * async writeTracking(context, { order, shipment, previousExternalId }) {
   *   const response = await shopApi(context)({
   *     method: previousExternalId ? 'PUT' : 'POST',
   *     path: `orders/${order.sourceOrderId}/fulfillments/${previousExternalId ?? ''}`,
   *     body: { number: shipment.tracking.number, idempotency_key: shipment.id },
   *   });
   *   return { externalId: String(fulfillment.fromResponse(response.body, 'POST fulfillments').id) };
   * },
   */
  writeTracking(
    context: ConnectionContext<S, C>,
    input: {
      order: OrderRef;
      shipment: {
        id: string;
        lines: { sourceLineId: string; sku: string; quantity: number }[];
        tracking: Tracking;
      };
      /** The id this shipment's write got last time, when tracking changes after the first write. */
      previousExternalId: string | null;
    },
  ): Promise<{ externalId: string }>;
  /**
   * Sets absolute available quantities for the given SKUs. `idempotencyKey` stays the same when the
   * same publication is retried (Shopify's `@idempotent`). Items the storefront refused one by one
   * (a batch answer with per-item errors) are returned, not thrown: the hub records the others as
   * published and shows these on the connection; throw only when the publication as a whole failed.
   *
   * @example
   * async publishStock(context, levels, { idempotencyKey }) {
   *   const response = await shopApi(context)({ method: 'POST', path: 'inventory', body: { levels }, headers: { 'idempotency-key': idempotencyKey } });
   *   return { failed: refusedItems(response.body) }; // [{ sku, code: 'invalid_id', message, retryable: false }]
   * },
   */
  publishStock(
    context: ConnectionContext<S, C>,
    levels: { sku: string; available: number }[],
    options: { idempotencyKey: string },
  ): Promise<PublishStockResult>;
  /**
   * After routing: tell the storefront whether the hub takes the order (fulfillment-service mode).
   *
   * @example
   * async answerRouting(context, { order, outcome, reason }) {
   *   await shopApi(context)({ method: 'POST', path: `orders/${order.sourceOrderId}/${outcome === 'accepted' ? 'accept' : 'reject'}`, body: { reason } });
   * },
   */
  answerRouting?(
    context: ConnectionContext<S, C>,
    input: { order: OrderRef; outcome: 'accepted' | 'rejected'; reason: string | null },
  ): Promise<void>;
  /**
   * After a requested cancellation: tell the storefront what the 3PL said.
   *
   * @example
   * async answerCancellation(context, { order, outcome, reason }) {
   *   await shopApi(context)({ method: 'POST', path: `orders/${order.sourceOrderId}/cancellation/${outcome}`, body: { reason } });
   * },
   */
  answerCancellation?(
    context: ConnectionContext<S, C>,
    input: { order: OrderRef; outcome: 'cancelled' | 'refused'; reason: string | null },
  ): Promise<void>;
  /**
   * Reconciliation: what changed since the cursor, whether or not a webhook told us.
   *
   * @example
   * async pollSince(context, cursor) {
   *   const orders = await listOrdersUpdatedSince(context, cursor); // oldest first, every page
   *   return {
   *     events: orders.flatMap((order) => orderEventsOrInvalid(identityOf(order), () => mapOrder(order))),
   *     nextCursor: orders.at(-1)?.updated_at ?? null,
   *   };
   * },
   */
  pollSince(context: ConnectionContext<S, C>, cursor: string | null): Promise<PollResult>;
}

export interface PublishStockResult {
  /** SKUs that were not set; every other SKU given was set (or is not sold in this storefront). */
  failed: StockItemFailure[];
}

export interface StockItemFailure {
  sku: string;
  /** The platform's code where it gives one (`invalid_id`, `CHANGE_FROM_QUANTITY_STALE`), else ours. */
  code: string;
  message: string;
  /** True when another attempt may succeed without a person (the item moved, the answer left it out). */
  retryable: boolean;
}
