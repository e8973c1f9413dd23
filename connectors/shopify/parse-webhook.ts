/**
 * What the hub needs to store a delivery, read while Shopify waits (5 s): the topic, the dedupe
 * key (`X-Shopify-Webhook-Id`, the same on every retry of one delivery) and the serial key. The
 * whole body is checked against its schema here, so one the connector cannot read is answered 400
 * now instead of failing later in the apply job.
 */

import { randomUUID } from 'node:crypto';
import {
  headerValue,
  type InboundRequest,
  MalformedPayloadError,
  orderSerialKey,
  type ParsedDelivery,
  refuseUnlessCanonical,
} from '../../src/sdk/index.ts';
import { modeOf, type ShopifyContext } from './connection.ts';
import { webhookOrderEvents } from './map-order.ts';
import { legacyIdOf, readJsonBody } from './payload-validation.ts';
import {
  anyObject,
  customersDataRequest,
  customersRedact,
  fulfillmentOrderNotification,
  shopRedact,
  webhookInventoryLevel,
  webhookOrder,
} from './webhook-payloads.ts';

/** The topic the connector gives a fulfillment service's callback, which has no topic header. */
export const NOTIFICATION_TOPIC = 'fulfillment_order_notification';
/** What Shopify appends to a fulfillment service's callback URL (the connection's webhook URL). */
export const NOTIFICATION_SUB_PATH = '/fulfillment_order_notification';

export const ORDER_TOPICS = ['orders/create', 'orders/updated', 'orders/cancelled'] as const;
export const REQUEST_TOPICS = [
  'fulfillment_orders/fulfillment_request_submitted',
  'fulfillment_orders/cancellation_request_submitted',
] as const;
export const COMPLIANCE_TOPICS = ['customers/data_request', 'customers/redact', 'shop/redact'] as const;

/** Work on one order runs in order; sweeps of the request queue run one at a time per shop. */
const SWEEP_SERIAL_KEY = 'fulfillment-requests';

export function parseShopifyDelivery(request: InboundRequest, context: ShopifyContext): ParsedDelivery {
  const topic = (
    headerValue(request.headers, 'x-shopify-topic') ?? headerValue(request.headers, 'shopify-topic')
  )?.trim();
  const webhookId =
    headerValue(request.headers, 'x-shopify-webhook-id') ??
    headerValue(request.headers, 'shopify-webhook-id');
  const subPath = normalizedSubPath(request.subPath);
  // Shopify appends only this to the callback URL (and polls `/fetch_stock` and
  // `/fetch_tracking_numbers` by GET, which the service is registered without).
  if (subPath && subPath !== NOTIFICATION_SUB_PATH) {
    throw new MalformedPayloadError(`nothing is expected at ${subPath.slice(0, 80)}`);
  }
  const body = readJsonBody(request.rawBody);

  if (subPath === NOTIFICATION_SUB_PATH || !topic) {
    // A fulfillment service's callback: `{"kind": …}`, signed like a webhook, with no topic or id,
    // posted to `<callbackUrl>/fulfillment_order_notification` (or, recognised by its missing topic,
    // to the plain URL). It is only a ping to sweep, so each one counts (two identical pings are two
    // hints).
    fulfillmentOrderNotification.fromWebhook(body);
    return {
      topic: NOTIFICATION_TOPIC,
      dedupeKey: webhookId ?? `notification:${randomUUID()}`,
      serialKey: SWEEP_SERIAL_KEY,
      ...(modeOf(context) === 'fulfillment_service' ? {} : { nothingToApply: true }),
    };
  }
  if (!webhookId) throw new MalformedPayloadError('no X-Shopify-Webhook-Id header');
  const delivery = { topic, dedupeKey: webhookId };

  switch (topic) {
    case 'orders/create':
    case 'orders/updated':
    case 'orders/cancelled': {
      const order = webhookOrder.fromWebhook(body);
      // Mapped now as the apply job will map it: a quantity or amount the hub cannot hold is
      // refused while Shopify still hears the answer, instead of failing in a job.
      refuseUnlessCanonical(webhookOrderEvents(topic, order, modeOf(context)));
      // As a fulfillment service, Shopify's requests (not new orders) are what the hub acts on;
      // a cancellation is acted on in both modes.
      const ignored = topic !== 'orders/cancelled' && modeOf(context) === 'fulfillment_service';
      return {
        ...delivery,
        serialKey: orderSerialKey(legacyIdOf(order.admin_graphql_api_id)),
        ...(ignored ? { nothingToApply: true } : {}),
      };
    }
    case 'fulfillment_orders/fulfillment_request_submitted':
    case 'fulfillment_orders/cancellation_request_submitted':
      anyObject.fromWebhook(body);
      return {
        ...delivery,
        serialKey: SWEEP_SERIAL_KEY,
        ...(modeOf(context) === 'fulfillment_service' ? {} : { nothingToApply: true }),
      };
    case 'inventory_levels/update':
      webhookInventoryLevel.fromWebhook(body);
      return { ...delivery, serialKey: 'inventory' };
    case 'app/uninstalled':
      anyObject.fromWebhook(body);
      return { ...delivery, serialKey: null };
    case 'customers/data_request':
      customersDataRequest.fromWebhook(body);
      return { ...delivery, serialKey: null };
    case 'customers/redact':
      customersRedact.fromWebhook(body);
      return { ...delivery, serialKey: null };
    case 'shop/redact':
      shopRedact.fromWebhook(body);
      return { ...delivery, serialKey: null };
    default:
      // A topic we do not act on (declared app-wide for another mode, or added later): recorded, 200.
      anyObject.fromWebhook(body);
      return { ...delivery, serialKey: null, nothingToApply: true };
  }
}

/** `''` for the plain URL; otherwise one leading slash and no trailing one. */
function normalizedSubPath(subPath: string | undefined): string {
  const trimmed = (subPath ?? '').replace(/^\/+|\/+$/g, '');
  return trimmed ? `/${trimmed}` : '';
}
