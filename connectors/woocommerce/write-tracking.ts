/**
 * Tracking write-back: the shipment's tracking goes where the store shows it to the customer
 * (see `detect-tracking.ts`), then the order is completed, once every line has shipped, so
 * WooCommerce's "Completed order" email carries it.
 *
 * Every step looks before it writes, because WooCommerce has no idempotency keys and a retry after
 * a lost answer must not add a second tracking item, fulfillment or note:
 * - Shipment Tracking items are matched on the tracking number;
 * - fulfillments carry our shipment id in their meta;
 * - each shipment leaves one order meta entry keyed by its id (also what tells us, across
 *   shipments, when every line has shipped), and the fallback note names the shipment.
 */
import type { OrderRef } from '../../src/sdk/index.ts';
import { unexpectedResponse } from './api-errors.ts';
import type { TrackingCapability } from './connection-state.ts';
import { withKeyedLock } from './keyed-lock.ts';
import {
  addNoteOnce,
  orderNotFound,
  type ShipmentInput,
  type TrackingWrite,
  writeFulfillment,
  writeShipmentTracking,
} from './tracking-destinations.ts';
import type { WooClient } from './woo-client.ts';
import { type WooLineItem, type WooMeta, type WooOrder, wooOrder } from './woo-payloads.ts';

export interface TrackingOptions {
  capability: TrackingCapability;
  completeOnShip: boolean;
  noteToCustomer: boolean;
  /** `YYYY-MM-DD`, the ship date we report. */
  today: string;
}

export const SHIPMENT_META_PREFIX = '_fulfillment_hub_shipment_';

export function writeTracking(
  client: WooClient,
  storeUrl: string,
  input: TrackingWrite,
  options: TrackingOptions,
): Promise<{ externalId: string }> {
  // Two shipments of one order must not both read the order before either recorded its lines, or
  // neither would see the order fully shipped. The hub may run them at once (its key is the shipment).
  return withKeyedLock(`${storeUrl}#${input.order.sourceOrderId}`, () =>
    writeOrderTracking(client, input, options),
  );
}

async function writeOrderTracking(
  client: WooClient,
  input: TrackingWrite,
  options: TrackingOptions,
): Promise<{ externalId: string }> {
  const orderId = input.order.sourceOrderId;
  const order = await fetchOrder(client, input.order);
  const { shipment } = input;

  let externalId: string;
  switch (options.capability) {
    case 'shipment-tracking':
      externalId = await writeShipmentTracking(client, orderId, input, options.today);
      break;
    case 'fulfillments':
      externalId = await writeFulfillment(client, orderId, shipment);
      break;
    case 'order-meta':
      externalId = `order-meta:${orderId}:${shipment.id}`;
      await addNoteOnce(client, input.order, shipment, options.noteToCustomer);
      break;
  }

  const update = orderUpdate(order, shipment, options);
  if (update) {
    const response = await client.request({ method: 'PUT', path: `orders/${orderId}`, body: update });
    if (response.status === 404) throw orderNotFound(input.order, shipment.id);
    if (response.status !== 200)
      throw unexpectedResponse('PUT wc/v3/orders/:id', response, 'tracking_rejected');
  }
  return { externalId };
}

async function fetchOrder(client: WooClient, ref: OrderRef): Promise<WooOrder> {
  const response = await client.request({ method: 'GET', path: `orders/${ref.sourceOrderId}` });
  if (response.status === 404) throw orderNotFound(ref, null);
  if (response.status !== 200) throw unexpectedResponse('GET wc/v3/orders/:id', response, 'order_unreadable');
  return wooOrder.fromResponse(response.body, 'GET wc/v3/orders/:id');
}

// Statuses an order must not be moved out of by a shipment: it was already completed, withdrawn,
// or never paid.
const NEVER_COMPLETE = new Set([
  'completed',
  'cancelled',
  'refunded',
  'failed',
  'trash',
  'pending',
  'checkout-draft',
  'draft',
  'auto-draft',
]);

/**
 * Pure: the order update this shipment calls for. The shipment's meta entry (unless the same one is
 * already there), and `completed` once the shipments recorded so far cover every line. With
 * fallback tracking the meta also carries the conventional `_tracking_*` keys other plugins read.
 */
export function orderUpdate(
  order: Pick<WooOrder, 'status' | 'line_items' | 'meta_data'>,
  shipment: ShipmentInput,
  options: Pick<TrackingOptions, 'capability' | 'completeOnShip'>,
): { meta_data?: WooMeta[]; status?: 'completed' } | null {
  const key = `${SHIPMENT_META_PREFIX}${shipment.id}`;
  const record = {
    tracking_number: shipment.tracking.number,
    carrier: shipment.tracking.carrier,
    url: shipment.tracking.url,
    lines: Object.fromEntries(shipment.lines.map((line) => [line.sourceLineId, line.quantity])),
    via: options.capability,
  };
  const existing = (order.meta_data ?? []).find((meta) => meta.key === key);
  const meta: WooMeta[] = [];
  if (JSON.stringify(existing?.value) !== JSON.stringify(record)) {
    meta.push({ key, value: record });
    if (options.capability === 'order-meta') {
      meta.push(
        { key: '_tracking_number', value: shipment.tracking.number },
        { key: '_tracking_provider', value: shipment.tracking.carrier ?? '' },
        { key: '_tracking_url', value: shipment.tracking.url ?? '' },
      );
    }
  }
  const complete =
    options.completeOnShip &&
    !NEVER_COMPLETE.has(order.status) &&
    fullyShipped(order.line_items, shippedQuantities(order.meta_data ?? [], shipment));
  if (meta.length === 0 && !complete) return null;
  return {
    ...(meta.length > 0 ? { meta_data: meta } : {}),
    ...(complete ? { status: 'completed' as const } : {}),
  };
}

/** Quantities shipped per order line: every shipment recorded in the order's meta, plus this one. */
export function shippedQuantities(meta: WooMeta[], shipment: ShipmentInput): Map<string, number> {
  const perShipment = new Map<string, Record<string, unknown>>();
  for (const entry of meta) {
    if (!entry.key.startsWith(SHIPMENT_META_PREFIX)) continue;
    const lines = (entry.value as { lines?: unknown } | null)?.lines;
    if (typeof lines === 'object' && lines !== null)
      perShipment.set(entry.key, lines as Record<string, unknown>);
  }
  perShipment.set(
    `${SHIPMENT_META_PREFIX}${shipment.id}`,
    Object.fromEntries(shipment.lines.map((line) => [line.sourceLineId, line.quantity])),
  );
  const shipped = new Map<string, number>();
  for (const lines of perShipment.values()) {
    for (const [lineId, quantity] of Object.entries(lines)) {
      if (typeof quantity === 'number') shipped.set(lineId, (shipped.get(lineId) ?? 0) + quantity);
    }
  }
  return shipped;
}

export function fullyShipped(
  lineItems: Pick<WooLineItem, 'id' | 'quantity'>[],
  shipped: Map<string, number>,
): boolean {
  return lineItems.every(
    (line) => line.quantity <= 0 || (shipped.get(String(line.id)) ?? 0) >= line.quantity,
  );
}
