/**
 * Deliveries as Shopify sends them: the headers of the 2026-07 delivery structure and a signature
 * computed here, independently of the connector, over the exact bytes.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { InboundRequest } from '../../../../src/sdk/index.ts';
import { API_SECRET, SHOP } from './fixtures.ts';

export function sign(body: Buffer | string, secret = API_SECRET): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

export interface DeliveryOptions {
  topic: string;
  shop?: string;
  secret?: string;
  webhookId?: string;
  triggeredAt?: string;
  /** Replaces the signature (a forged one) or, with null, leaves it out. */
  hmac?: string | null;
}

export function shopifyHeaders(body: Buffer, options: DeliveryOptions): Record<string, string> {
  const hmac = options.hmac === undefined ? sign(body, options.secret) : options.hmac;
  return {
    'content-type': 'application/json',
    'x-shopify-topic': options.topic,
    'x-shopify-shop-domain': options.shop ?? SHOP,
    'x-shopify-api-version': '2026-07',
    'x-shopify-webhook-id': options.webhookId ?? randomUUID(),
    'x-shopify-event-id': randomUUID(),
    'x-shopify-triggered-at': options.triggeredAt ?? new Date().toISOString(),
    ...(hmac === null ? {} : { 'x-shopify-hmac-sha256': hmac }),
  };
}

export function delivery(body: Buffer, options: DeliveryOptions): InboundRequest {
  return { headers: shopifyHeaders(body, options), rawBody: body };
}

/** A fulfillment service's callback: no topic or webhook id, only the HMAC and the shop. */
export function notification(
  kind: 'FULFILLMENT_REQUEST' | 'CANCELLATION_REQUEST',
  shop = SHOP,
  secret = API_SECRET,
) {
  const body = Buffer.from(JSON.stringify({ kind }));
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-shop-domain': shop,
      'x-shopify-hmac-sha256': sign(body, secret),
    } as Record<string, string>,
  };
}
