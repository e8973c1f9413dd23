/**
 * Where a shipment's tracking goes, by what the store offers (`detect-tracking.ts`): a Shipment
 * Tracking (or AST) item matched on the tracking number, a core fulfillment carrying our shipment
 * id in its meta, or a note naming the shipment. Each looks before it writes, so a retry after a
 * lost answer adds nothing twice. A route the store no longer has throws `CapabilityGone`.
 */
import { NeedsHumanError, type OrderRef, RetryableError, type Tracking } from '../../src/sdk/index.ts';
import { isNoRoute, unexpectedResponse } from './api-errors.ts';
import type { TrackingCapability } from './connection-state.ts';
import { SHIPMENT_TRACKING_NAMESPACE } from './detect-tracking.ts';
import type { WooClient, WooResponse } from './woo-client.ts';
import {
  type WooFulfillment,
  wooFulfillment,
  wooFulfillments,
  wooNotes,
  wooTrackingItem,
  wooTrackingItems,
} from './woo-payloads.ts';

export interface ShipmentInput {
  id: string;
  lines: { sourceLineId: string; sku: string; quantity: number }[];
  tracking: Tracking;
}

export interface TrackingWrite {
  order: OrderRef;
  shipment: ShipmentInput;
  previousExternalId: string | null;
}
const HUB_SHIPMENT_KEY = '_hub_shipment_id';

/** Thrown when the store no longer has the endpoint we detected (a plugin was removed). */
export class CapabilityGone extends RetryableError {
  constructor(capability: TrackingCapability) {
    super('tracking_capability_changed', `the store no longer offers ${capability}; detecting again`, {
      capability,
    });
  }
}

export function orderNotFound(order: OrderRef, shipmentId: string | null) {
  return new NeedsHumanError('order_not_found', `the store has no order ${order.sourceOrderName}`, {
    sourceOrderId: order.sourceOrderId,
    shipmentId,
  });
}

// --- Shipment Tracking / AST -------------------------------------------------------------------

export async function writeShipmentTracking(
  client: WooClient,
  orderId: string,
  input: TrackingWrite,
  today: string,
): Promise<string> {
  const path = `orders/${orderId}/shipment-trackings`;
  const { tracking } = input.shipment;
  const listed = await client.request({ method: 'GET', namespace: SHIPMENT_TRACKING_NAMESPACE, path });
  checkRoute(listed, 'shipment-tracking');
  if (listed.status !== 200)
    throw unexpectedResponse(`GET ${SHIPMENT_TRACKING_NAMESPACE}/${path}`, listed, 'tracking_rejected');
  const items = wooTrackingItems.fromResponse(listed.body, 'GET shipment-trackings');

  // The response's provider is a formatted name, so the number is what identifies an item.
  let trackingId = items.find((item) => sameNumber(item.tracking_number, tracking.number))?.tracking_id;
  if (!trackingId) {
    const created = await client.request({
      method: 'POST',
      namespace: SHIPMENT_TRACKING_NAMESPACE,
      path,
      body: shipmentTrackingBody(tracking, today),
    });
    checkRoute(created, 'shipment-tracking');
    if (created.status !== 201 && created.status !== 200) {
      throw unexpectedResponse(`POST ${SHIPMENT_TRACKING_NAMESPACE}/${path}`, created, 'tracking_rejected');
    }
    trackingId = wooTrackingItem.fromResponse(created.body, 'POST shipment-trackings').tracking_id;
  }

  // Tracking changed after the first write: the new item is in place, now remove the old one.
  const previous = parseExternalId(input.previousExternalId);
  if (previous?.kind === 'shipment-tracking' && previous.orderId === orderId && previous.id !== trackingId) {
    const removed = await client.request({
      method: 'DELETE',
      namespace: SHIPMENT_TRACKING_NAMESPACE,
      path: `${path}/${encodeURIComponent(previous.id)}`,
    });
    if (removed.status !== 200 && removed.status !== 404 && removed.status !== 410) {
      throw unexpectedResponse(
        `DELETE ${SHIPMENT_TRACKING_NAMESPACE}/${path}/:id`,
        removed,
        'tracking_rejected',
      );
    }
  }
  return `shipment-tracking:${orderId}:${trackingId}`;
}

/**
 * A predefined provider ignores any link we send, so a tracking URL goes in the custom fields.
 * `date_shipped` is ISO: AST reads slashed dates as US `m/d/Y`. We never ask AST to change the
 * order status (`status_shipped`): completing the order is ours to decide.
 */
export function shipmentTrackingBody(tracking: Tracking, today: string): Record<string, string> {
  if (tracking.url) {
    return {
      tracking_number: tracking.number,
      custom_tracking_provider: tracking.carrier ?? 'Carrier',
      custom_tracking_link: tracking.url,
      date_shipped: today,
    };
  }
  if (tracking.carrier)
    return { tracking_number: tracking.number, tracking_provider: tracking.carrier, date_shipped: today };
  return { tracking_number: tracking.number, custom_tracking_provider: 'Carrier', date_shipped: today };
}

// --- Core order fulfillments (WooCommerce 10.1+) -----------------------------------------------

export async function writeFulfillment(
  client: WooClient,
  orderId: string,
  shipment: ShipmentInput,
): Promise<string> {
  const path = `orders/${orderId}/fulfillments`;
  const listed = await client.request({ method: 'GET', path });
  checkRoute(listed, 'fulfillments');
  if (listed.status !== 200) throw unexpectedResponse(`GET wc/v3/${path}`, listed, 'tracking_rejected');
  const found = wooFulfillments.fromResponse(listed.body, `GET wc/v3/${path}`);
  const fulfillments = Array.isArray(found) ? found : found.fulfillments;

  const body = {
    status: 'fulfilled',
    is_fulfilled: true,
    meta_data: [
      {
        key: '_items',
        value: shipment.lines.map((line) => ({ item_id: Number(line.sourceLineId), qty: line.quantity })),
      },
      { key: '_tracking_number', value: shipment.tracking.number },
      { key: '_shipment_provider', value: shipment.tracking.carrier ?? '' },
      { key: '_tracking_url', value: shipment.tracking.url ?? '' },
      { key: HUB_SHIPMENT_KEY, value: shipment.id },
    ],
  };
  const mine = fulfillments.find((f) => metaValue(f, HUB_SHIPMENT_KEY) === shipment.id);
  if (mine) {
    if (sameNumber(metaValue(mine, '_tracking_number'), shipment.tracking.number))
      return `fulfillment:${orderId}:${mine.id}`;
    // Tracking changed: the same fulfillment gets the new number (an update replaces its meta).
    const updated = await client.request({
      method: 'PUT',
      path: `${path}/${mine.id}`,
      query: { notify_customer: true },
      body,
    });
    if (updated.status !== 200)
      throw unexpectedResponse(`PUT wc/v3/${path}/:id`, updated, 'tracking_rejected');
    return `fulfillment:${orderId}:${mine.id}`;
  }
  // Someone (the merchant, another integration) already recorded this number: do not repeat it.
  const recorded = fulfillments.find((f) =>
    sameNumber(metaValue(f, '_tracking_number'), shipment.tracking.number),
  );
  if (recorded) return `fulfillment:${orderId}:${recorded.id}`;

  const created = await client.request({ method: 'POST', path, query: { notify_customer: true }, body });
  checkRoute(created, 'fulfillments');
  if (created.status !== 201 && created.status !== 200) {
    throw unexpectedResponse(`POST wc/v3/${path}`, created, 'tracking_rejected');
  }
  const parsed = wooFulfillment.fromResponse(created.body, `POST wc/v3/${path}`);
  const fulfillment: WooFulfillment = 'fulfillment' in parsed ? parsed.fulfillment : parsed;
  return `fulfillment:${orderId}:${fulfillment.id}`;
}

function metaValue(fulfillment: WooFulfillment, key: string): unknown {
  return fulfillment.meta_data?.find((meta) => meta.key === key)?.value;
}

// --- Fallback: order meta and a note --------------------------------------------------------------

export function trackingNote(shipment: ShipmentInput): string {
  const { carrier, number, url } = shipment.tracking;
  return `Shipped${carrier ? ` with ${carrier}` : ''}. Tracking number: ${number}${url ? ` (${url})` : ''}. Shipment ${shipment.id}.`;
}

export async function addNoteOnce(
  client: WooClient,
  order: OrderRef,
  shipment: ShipmentInput,
  toCustomer: boolean,
) {
  const path = `orders/${order.sourceOrderId}/notes`;
  const listed = await client.request({ method: 'GET', path, query: { type: 'any', per_page: 100 } });
  if (listed.status === 404) throw orderNotFound(order, shipment.id);
  if (listed.status !== 200) throw unexpectedResponse(`GET wc/v3/${path}`, listed, 'tracking_rejected');
  const notes = wooNotes.fromResponse(listed.body, `GET wc/v3/${path}`);
  if (notes.some((note) => note.note.includes(shipment.id) && note.note.includes(shipment.tracking.number)))
    return;
  const created = await client.request({
    method: 'POST',
    path,
    body: { note: trackingNote(shipment), customer_note: toCustomer },
  });
  if (created.status !== 201 && created.status !== 200)
    throw unexpectedResponse(`POST wc/v3/${path}`, created, 'tracking_rejected');
}

// ---------------------------------------------------------------------------------------------------

function checkRoute(response: WooResponse, capability: TrackingCapability) {
  if (isNoRoute(response)) throw new CapabilityGone(capability);
}

function sameNumber(a: unknown, b: string): boolean {
  return (
    (typeof a === 'string' || typeof a === 'number') &&
    String(a).trim().toLowerCase() === b.trim().toLowerCase()
  );
}

/** `shipment-tracking:<order>:<tracking_id>`, `fulfillment:<order>:<id>` or `order-meta:<order>:<shipment>`. */
export function parseExternalId(
  externalId: string | null,
): { kind: TrackingCapability | 'fulfillment'; orderId: string; id: string } | null {
  const match = /^(shipment-tracking|fulfillment|order-meta):([^:]+):(.+)$/.exec(externalId ?? '');
  if (!match) return null;
  return { kind: match[1] as TrackingCapability | 'fulfillment', orderId: match[2]!, id: match[3]! };
}
