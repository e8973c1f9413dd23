/**
 * Reading a WooCommerce delivery while the store waits for our answer: what the hub needs to store
 * it (topic, dedupe key, serial key), with the whole body checked so that an unreadable one is
 * refused now (400) rather than discovered by the apply job.
 *
 * Only a refusal that a person must fix gets a non-200: WooCommerce never retries, counts every
 * failure, and disables the webhook after the seventh in a row, so pings, topics we did not ask
 * for and error-shaped bodies are all answered 200 and recorded as having nothing to apply.
 */
import {
  headerValue,
  type InboundRequest,
  MalformedPayloadError,
  orderSerialKey,
  type ParsedDelivery,
  refuseUnlessCanonical,
} from '../../src/sdk/index.ts';
import { mapOrderEvents } from './map-order.ts';
import { mapProductEvents } from './map-product.ts';
import { readJsonBody } from './payload-validation.ts';
import { pingWebhookId } from './webhook-signature.ts';
import {
  type WooOrder,
  type WooProduct,
  wooDeleted,
  wooError,
  wooOrder,
  wooProduct,
} from './woo-payloads.ts';

export const ORDER_TOPICS = ['order.created', 'order.updated', 'order.deleted', 'order.restored'] as const;
export const PRODUCT_TOPICS = ['product.created', 'product.updated', 'product.deleted'] as const;
/** Every topic the connector subscribes to; `webhooks.ts` keeps one webhook per topic. */
export const WEBHOOK_TOPICS = [...ORDER_TOPICS, ...PRODUCT_TOPICS] as const;
export type WooTopic = (typeof WEBHOOK_TOPICS)[number];

export function isWooTopic(topic: string | null | undefined): topic is WooTopic {
  return (WEBHOOK_TOPICS as readonly string[]).includes(topic ?? '');
}

export type WooDelivery =
  | { kind: 'order'; topic: WooTopic; order: WooOrder }
  | { kind: 'product'; topic: WooTopic; product: WooProduct }
  | { kind: 'deleted'; topic: WooTopic; resource: 'order' | 'product'; id: number }
  /** A ping, a topic we did not subscribe to, or an error object WooCommerce delivered instead. */
  | { kind: 'nothing'; topic: string; reason: string };

/** Reads a stored delivery's topic and bytes; pure, so the apply job and a replay read it the same. */
export function readDelivery(topic: string | null, rawBody: Buffer): WooDelivery {
  const pingId = pingWebhookId(rawBody);
  if (pingId !== null) return { kind: 'nothing', topic: 'ping', reason: `ping of webhook ${pingId}` };
  if (!isWooTopic(topic))
    return { kind: 'nothing', topic: topic ?? 'unknown', reason: 'not a topic we subscribe to' };
  const body = readJsonBody(rawBody);
  // When the webhook's owner cannot read the resource, or it is gone, WooCommerce signs and
  // delivers the REST error object itself.
  if (wooError.matches(body) && (body as { id?: unknown }).id === undefined) {
    return { kind: 'nothing', topic, reason: `the store delivered an error: ${body.code}` };
  }
  const [resource, event] = topic.split('.') as ['order' | 'product', string];
  if (event === 'deleted') return { kind: 'deleted', topic, resource, id: wooDeleted.fromWebhook(body).id };
  if (resource === 'order') return { kind: 'order', topic, order: wooOrder.fromWebhook(body) };
  return { kind: 'product', topic, product: wooProduct.fromWebhook(body) };
}

export function parseWooWebhook(request: InboundRequest): ParsedDelivery {
  const topic = headerValue(request.headers, 'x-wc-webhook-topic');
  const delivery = readDelivery(topic, request.rawBody);
  switch (delivery.kind) {
    case 'nothing':
      return {
        topic: delivery.topic,
        dedupeKey: `nothing:${delivery.topic}`,
        serialKey: null,
        nothingToApply: true,
      };
    case 'deleted':
      // A trash carries no modification date. The Delivery-ID is the same for every delivery of
      // one webhook within a second, which is exactly the duplicate we want to fold; a later
      // trash of a restored resource is a new key.
      return {
        topic: delivery.topic,
        dedupeKey: `${delivery.resource}:${delivery.id}:deleted:${headerValue(request.headers, 'x-wc-webhook-delivery-id') ?? ''}`,
        serialKey: `${delivery.resource}:${delivery.id}`,
      };
    case 'order':
      // Mapped now as the apply job will: an amount or quantity the hub cannot hold is a refusal a
      // person must fix (400), not a job that fails after WooCommerce was told all is well.
      refuseUnlessCanonical(mapOrderEvents(delivery.order));
      // The body is the order's state when the delivery was sent, so created and updated
      // deliveries of the same version are one change: the topic is not part of the key.
      return {
        topic: delivery.topic,
        dedupeKey: `order:${delivery.order.id}:${delivery.order.date_modified_gmt}`,
        serialKey: orderSerialKey(String(delivery.order.id)),
      };
    case 'product': {
      const { product } = delivery;
      if (!product.date_modified_gmt)
        throw new MalformedPayloadError('product: date_modified_gmt is missing');
      refuseUnlessCanonical(mapProductEvents(product));
      // Stock writes can change stock_quantity without moving date_modified (same second, or
      // a direct stock update), so the quantity is part of the version.
      return {
        topic: delivery.topic,
        dedupeKey: `product:${product.id}:${product.date_modified_gmt}:${product.stock_quantity ?? ''}`,
        serialKey: `product:${product.id}`,
      };
    }
  }
}
