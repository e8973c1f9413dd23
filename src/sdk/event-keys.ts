/**
 * The keys the hub files work under, in one place. Two conventions connect a connector to the hub,
 * and both are spelled here rather than in each connector and stage:
 *
 * - **Serial keys** (`ParsedDelivery.serialKey`): work with the same key runs one at a time. A
 *   storefront's order is `order:<source order id>`, a 3PL's shipment `shipment:<our shipment
 *   reference>`, stock `stock`. The hub also finds an order's failed deliveries by the `order:` and
 *   `shipment:` forms, so use them for anything about one order or shipment. A connector may use
 *   keys of its own for anything else (`product:<id>`, `inventory`).
 * - **Poll dedupe keys**: a change read by `pollSince` is recorded as a delivery keyed by what it
 *   says (`poll:order:<id>:<version>`), so the same version read twice, or read once by a poll and
 *   then again, is applied once. Webhook deliveries bring their own key (`ParsedDelivery.dedupeKey`).
 *
 * The canonical event types themselves are `CANONICAL_EVENT_TYPES` (`canonical-events.ts`).
 */
import { createHash } from 'node:crypto';
import type { CanonicalEvent } from './canonical-events.ts';
import { isStorableText } from './payload.ts';

/** What keys longer than this (or holding what PostgreSQL cannot index) are replaced by a digest of. */
export const MAX_KEY_LENGTH = 200;

/** The serial key of all stock news of a connection: stock changes apply one at a time. */
export const STOCK_SERIAL_KEY = 'stock';

/**
 * The serial key of everything about one storefront order.
 *
 * @example
 * return { topic, dedupeKey: webhookId, serialKey: orderSerialKey(String(order.id)) }; // 'order:1001'
 */
export function orderSerialKey(sourceOrderId: string): string {
  return `order:${sourceOrderId}`;
}

/**
 * The serial key of everything about one shipment, by our reference (the hub's shipment id).
 *
 * @example
 * return { topic, dedupeKey: eventId, serialKey: shipmentSerialKey(payload.reference_id) };
 */
export function shipmentSerialKey(reference: string): string {
  return `shipment:${reference}`;
}

/**
 * The serial key a canonical event belongs under, by the conventions above; null when the event is
 * about nothing that must be serialised (a privacy request, an uninstall).
 *
 * @example
 * serialKeyOfEvent({ type: 'order.cancelled', sourceOrderId: '1001', sourceUpdatedAt }); // 'order:1001'
 */
export function serialKeyOfEvent(event: CanonicalEvent): string | null {
  const key = serialKeyMaterial(event);
  return key === null ? null : storableKey(key);
}

/**
 * The dedupe key of an event read by a poll: the same news read again gets the same key, and a
 * new version of an order, a new status of a shipment, a new stock reading gets a new one.
 *
 * @example
 * pollDedupeKey({ type: 'order.upserted', order }); // 'poll:order:1001:2025-01-01T00:00:00Z'
 */
export function pollDedupeKey(event: CanonicalEvent): string {
  return storableKey(pollKeyMaterial(event));
}

/**
 * Keys are made from what the platform sent, before the hub has checked it: one the database could
 * not index (too long, or with a NUL) would fail the whole poll, so it is kept as a digest instead.
 *
 * @example
 * storableKey('order:1001'); // unchanged; a 300-character key becomes 'poll:sha256:<hex>'
 */
export function storableKey(key: string): string {
  return isStorableText(key, MAX_KEY_LENGTH)
    ? key
    : `poll:sha256:${createHash('sha256').update(key).digest('hex')}`;
}

function serialKeyMaterial(event: CanonicalEvent): string | null {
  switch (event.type) {
    case 'order.upserted':
      return orderSerialKey(event.order.sourceOrderId);
    case 'order.cancelled':
    case 'order.invalid':
      return orderSerialKey(event.sourceOrderId);
    case 'shipment.updated':
      return shipmentSerialKey(event.reference);
    case 'stock.changed':
    case 'storefront.stock_changed':
      return STOCK_SERIAL_KEY;
    case 'connection.uninstalled':
    case 'customer.redact':
    case 'customer.data_request':
    case 'account.redact':
      return null;
  }
}

function pollKeyMaterial(event: CanonicalEvent): string {
  switch (event.type) {
    case 'order.upserted':
      return `poll:order:${event.order.sourceOrderId}:${event.order.sourceUpdatedAt}`;
    case 'order.cancelled':
      return `poll:cancel:${event.sourceOrderId}:${event.sourceUpdatedAt}`;
    case 'order.invalid':
      // Without a readable version, the same problem read again is the same news.
      return `poll:invalid:${event.sourceOrderId}:${event.sourceUpdatedAt ?? event.problem}`;
    case 'shipment.updated':
      return `poll:shipment:${event.externalId}:${event.status}:${event.tracking?.number ?? ''}`;
    case 'stock.changed':
    case 'storefront.stock_changed':
      return `poll:${event.type}:${event.occurredAt}`;
    case 'connection.uninstalled':
      return `poll:uninstalled:${event.occurredAt}`;
    case 'customer.redact':
    case 'customer.data_request':
    case 'account.redact':
      return `poll:${event.type}:${event.requestId ?? JSON.stringify(event)}`;
  }
}
