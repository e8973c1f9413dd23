/**
 * Reading a verified ShipBob delivery: its topic (the `x-webhook-topic` header), a dedupe key that
 * is the same on every redelivery (`webhook-id`: Standard Webhooks keeps it across retries), and
 * the serial key of the hub shipment it concerns (our reference, which ShipBob echoes as the
 * order's `reference_id`). Topics the hub did not subscribe to are acknowledged with nothing to do.
 */
import {
  headerValue,
  type InboundRequest,
  MalformedPayloadError,
  type ParsedDelivery,
  readJsonBody,
} from '../../src/sdk/index.ts';
import { idOf, type ShipBobTracking, webhookBody } from './payloads.ts';
import { TOPICS, type Topic } from './webhook-subscriptions.ts';

export interface WebhookEnvelope {
  topic: Topic;
  orderId: string | null;
  shipmentId: string | null;
  reference: string | null;
  /** ShipBob's `event_time`, else the delivery's `webhook-timestamp`, as ISO. */
  occurredAt: string;
  status: string | null;
  tracking: ShipBobTracking | null;
}

export function isTopic(value: string): value is Topic {
  return (TOPICS as readonly string[]).includes(value);
}

/** The topic header; legacy subscriptions used `shipbob-topic`, and a body may name it too. */
export function readTopic(request: Pick<InboundRequest, 'headers'>, body: unknown): string {
  const fromBody =
    body && typeof body === 'object' && typeof (body as { topic?: unknown }).topic === 'string'
      ? ((body as { topic: string }).topic as string)
      : null;
  const topic =
    headerValue(request.headers, 'x-webhook-topic') ??
    headerValue(request.headers, 'shipbob-topic') ??
    fromBody;
  if (!topic || topic.length > 200)
    throw new MalformedPayloadError('the delivery names no topic (x-webhook-topic)');
  return topic.trim();
}

export function parseShipBobWebhook(request: InboundRequest): ParsedDelivery {
  const body = readJsonBody(request.rawBody);
  const topic = readTopic(request, body);
  const id = headerValue(request.headers, 'webhook-id');
  if (!id || id.length > 200) throw new MalformedPayloadError('the delivery has no webhook-id');
  const dedupeKey = `webhook:${id}`;
  if (!isTopic(topic)) return { topic, dedupeKey, serialKey: null, nothingToApply: true };
  const envelope = readEnvelope(topic, body, headerValue(request.headers, 'webhook-timestamp'));
  // The same key as the reconciliation poll uses for this shipment, so both paths take turns.
  const serialKey = envelope.reference
    ? `shipment:${envelope.reference}`
    : `shipbob-order:${envelope.orderId as string}`;
  return { topic, dedupeKey, serialKey };
}

/**
 * The ids and facts in a body, whether it is flat (`{order_id, reference_id, tracking, event_time}`,
 * the published shape), a shipment (`{id, order_id, …}`) or an order (`{id, shipments}`).
 */
export function readEnvelope(topic: Topic, raw: unknown, timestampHeader: string | null): WebhookEnvelope {
  const body = webhookBody.fromWebhook(raw);
  const looksLikeOrder = Array.isArray(body.shipments);
  const orderIdRaw =
    body.order_id ?? body.shipment?.order_id ?? body.order?.id ?? (looksLikeOrder ? body.id : undefined);
  const shipmentIdRaw =
    body.shipment_id ??
    body.shipment?.id ??
    (!looksLikeOrder && body.order_id !== undefined ? body.id : undefined);
  const reference = body.reference_id ?? body.shipment?.reference_id ?? body.order?.reference_id ?? null;
  if (orderIdRaw === undefined && !reference) {
    throw new MalformedPayloadError('the delivery names neither an order_id nor a reference_id');
  }
  return {
    topic,
    orderId: orderIdRaw === undefined ? null : idOf(orderIdRaw),
    shipmentId: shipmentIdRaw === undefined ? null : idOf(shipmentIdRaw),
    reference: reference && reference.length <= 300 ? reference : null,
    occurredAt: eventTime(body.event_time ?? null, timestampHeader),
    status: body.status ?? null,
    tracking: body.tracking ?? null,
  };
}

/**
 * ShipBob writes seven fractional digits (`2025-10-23T15:55:09.3614767Z`); kept to milliseconds.
 * Without a usable `event_time`, the delivery's signed timestamp stands in.
 */
export function eventTime(value: string | null, timestampHeader: string | null): string {
  const parsed = value ? Date.parse(value.replace(/(\.\d{3})\d+/, '$1')) : Number.NaN;
  if (Number.isFinite(parsed)) return new Date(parsed).toISOString();
  const seconds =
    timestampHeader && /^\d{1,12}$/.test(timestampHeader) ? Number(timestampHeader) : Number.NaN;
  if (Number.isFinite(seconds)) return new Date(seconds * 1000).toISOString();
  throw new MalformedPayloadError('the delivery has no usable event_time');
}
