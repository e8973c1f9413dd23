/**
 * A ShipBob order, as the hub's `shipment.updated`. One hub shipment is one ShipBob order (our
 * reference is its `reference_id`), and ShipBob may ship it as several shipments, from several
 * fulfillment centres, each with its own tracking: here called parcels. The canonical event has
 * one status and one tracking, so they summarise the parcels:
 *
 * - every live (not cancelled) parcel delivered → delivered; any shipped → shipped, with the
 *   tracking of the first parcel that has one (stable, so the storefront is not rewritten back and
 *   forth as the others ship); else any in exception or on hold → exception, with ShipBob's reasons;
 *   every parcel cancelled → cancelled; else accepted;
 * - every parcel, with its own status, tracking, fulfillment centre and products, rides along in
 *   `parcels`: the hub stores each and writes each tracking back as its own storefront fulfillment
 *   (see README, "One order, several shipments").
 *
 * Pure: the caller reads the order and says when the event happened.
 */
import {
  type CanonicalEvent,
  KEY_LENGTH,
  LIMITS,
  type ShipmentEventStatus,
  type Tracking,
} from '../../src/sdk/index.ts';
import type { WebhookEnvelope } from './parse-webhook.ts';
import {
  idOf,
  type ShipBobOrder,
  type ShipBobShipment,
  type ShipBobShipmentProduct,
  type ShipBobTracking,
} from './payloads.ts';

type ShipmentUpdated = Extract<CanonicalEvent, { type: 'shipment.updated' }>;
export type Parcel = NonNullable<ShipmentUpdated['parcels']>[number];

const MAX_REASON = 300;

export function trackingOf(tracking: ShipBobTracking | null | undefined): Tracking | null {
  const number = (tracking?.tracking_number ?? tracking?.tracking_id ?? '').trim();
  if (!number) return null;
  return {
    carrier: tracking?.carrier?.trim() || null,
    number,
    url: tracking?.tracking_url?.trim() || null,
  };
}

function reasonOf(shipment: ShipBobShipment, prefix: string | null): string | null {
  const details = (shipment.status_details ?? [])
    .map((detail) => [detail.name, detail.description].filter(Boolean).join(': '))
    .filter(Boolean);
  const text = [prefix, ...details].filter(Boolean).join('; ');
  return text ? text.slice(0, MAX_REASON) : null;
}

type ParcelLine = NonNullable<Parcel['lines']>[number];

/** A product's quantity in the shipment: its own, or its one inventory item's. */
function quantityOf(product: ShipBobShipmentProduct): number | null {
  if (typeof product.quantity === 'number') return product.quantity;
  const items = product.inventory_items ?? [];
  // Several inventory items are a bundle's components: how many bundles they make is not said.
  return items.length === 1 && typeof items[0]?.quantity === 'number' ? items[0].quantity : null;
}

/**
 * What the shipment holds, by the SKU the hub ordered it with (`reference_id`), or undefined when
 * ShipBob does not say it fully: a package described in part would take too little, so the hub is
 * left to give it the lines no other parcel covers.
 */
export function linesOf(shipment: ShipBobShipment): ParcelLine[] | undefined {
  const products = shipment.products ?? [];
  if (products.length === 0) return undefined;
  const bySku = new Map<string, number>();
  for (const product of products) {
    const sku = (product.reference_id ?? product.sku ?? '').trim();
    const quantity = quantityOf(product);
    if (!sku || sku.length > KEY_LENGTH || quantity === null || !Number.isInteger(quantity) || quantity < 0)
      return undefined;
    bySku.set(sku, (bySku.get(sku) ?? 0) + quantity);
  }
  const lines = [...bySku].map(([sku, quantity]) => ({ sku, quantity }));
  return lines.every((line) => line.quantity <= LIMITS.quantity.max) ? lines : undefined;
}

/** ShipBob's shipment status (`Orders.OrderStatusEnum`) in the hub's terms. */
export function parcelOf(shipment: ShipBobShipment): Parcel {
  const tracking = trackingOf(shipment.tracking);
  const lines = linesOf(shipment);
  const base = {
    externalId: idOf(shipment.id),
    tracking,
    location: shipment.location?.id === undefined ? null : idOf(shipment.location.id),
    ...(lines ? { lines } : {}),
  };
  const status = shipment.status ?? 'None';
  if (status === 'Cancelled') return { ...base, status: 'cancelled', reason: reasonOf(shipment, null) };
  if (status === 'Exception')
    return { ...base, status: 'exception', reason: reasonOf(shipment, 'exception') };
  if (status === 'OnHold') return { ...base, status: 'exception', reason: reasonOf(shipment, 'on hold') };
  // A clean sweep takes an order ShipBob could not fulfil out of the queue: a person decides.
  if (status === 'CleanSweeped')
    return { ...base, status: 'exception', reason: reasonOf(shipment, 'clean sweep') };
  if (shipment.delivery_date && tracking) return { ...base, status: 'delivered', reason: null };
  // Completed means "has left ShipBob"; a printed label with a tracking number is when ShipBob
  // itself sends `order.shipped`.
  if (status === 'Completed' || (status === 'LabeledCreated' && tracking)) {
    return { ...base, status: tracking ? 'shipped' : 'accepted', reason: null };
  }
  return { ...base, status: 'accepted', reason: null };
}

/**
 * What a webhook adds to the order read back: ShipBob's read may lag its own event, so the
 * topic can move the parcel it names forward (never back), and its tracking fills a gap.
 */
export function withHint(parcel: Parcel, envelope: WebhookEnvelope, named: boolean): Parcel {
  const { topic } = envelope;
  // `order.delivered` speaks for every live shipment of the order; the other topics for one.
  const concerned = topic === 'order.delivered' ? parcel.status !== 'cancelled' : named;
  if (!concerned) return parcel;
  const tracking = parcel.tracking ?? trackingOf(envelope.tracking);
  const next = { ...parcel, tracking };
  const pending = parcel.status === 'accepted' || parcel.status === 'exception';
  switch (topic) {
    case 'order.shipped':
    case 'order.shipment.tracking.updated':
      if (envelope.status === 'Delivered' && tracking && parcel.status !== 'cancelled') {
        return { ...next, status: 'delivered', reason: null };
      }
      return pending && tracking ? { ...next, status: 'shipped', reason: null } : next;
    case 'order.shipment.delivered':
    case 'order.delivered':
      return parcel.status !== 'delivered' && (parcel.status === 'shipped' || tracking)
        ? { ...next, status: 'delivered', reason: null }
        : next;
    case 'order.shipment.cancelled':
      return pending ? { ...next, status: 'cancelled', reason: parcel.reason } : next;
    case 'order.shipment.exception':
    case 'order.shipment.on_hold':
      return parcel.status === 'accepted'
        ? {
            ...next,
            status: 'exception',
            reason: topic === 'order.shipment.on_hold' ? 'on hold' : 'exception',
          }
        : next;
  }
}

/** Pure: one status, tracking and reason for the hub shipment, from its parcels. */
export function summarize(parcels: Parcel[]): {
  status: ShipmentEventStatus;
  tracking: Tracking | null;
  reason: string | null;
} {
  if (parcels.length === 0) return { status: 'accepted', tracking: null, reason: null };
  const live = parcels.filter((p) => p.status !== 'cancelled');
  if (live.length === 0) {
    return { status: 'cancelled', tracking: null, reason: joinReasons(parcels, parcels.length) };
  }
  const gone = live.filter((p) => p.status === 'shipped' || p.status === 'delivered');
  if (gone.length > 0) {
    const tracking = [...gone].sort(byId).find((p) => p.tracking)?.tracking ?? null;
    const status = live.every((p) => p.status === 'delivered') ? 'delivered' : 'shipped';
    return { status, tracking, reason: null };
  }
  const troubled = live.filter((p) => p.status === 'exception');
  if (troubled.length > 0)
    return { status: 'exception', tracking: null, reason: joinReasons(troubled, parcels.length) };
  return { status: 'accepted', tracking: null, reason: null };
}

function byId(a: Parcel, b: Parcel): number {
  const left = BigInt(/^\d+$/.test(a.externalId) ? a.externalId : '0');
  const right = BigInt(/^\d+$/.test(b.externalId) ? b.externalId : '0');
  return left < right ? -1 : left > right ? 1 : a.externalId.localeCompare(b.externalId);
}

/** Named by shipment when the order has several, so a person knows which one to look at. */
function joinReasons(parcels: Parcel[], total: number): string | null {
  const text = parcels
    .map((p) => (p.reason ? (total > 1 ? `shipment ${p.externalId}: ${p.reason}` : p.reason) : null))
    .filter(Boolean)
    .join('; ');
  return text ? text.slice(0, MAX_REASON) : null;
}

/**
 * The hub's event for a ShipBob order. With a webhook's envelope, the parcel it names (or, for
 * `order.delivered`, every parcel) is moved forward by what the webhook says.
 */
export function shipmentEvent(
  order: ShipBobOrder,
  occurredAt: string,
  envelope: WebhookEnvelope | null = null,
): ShipmentUpdated {
  const shipments = order.shipments ?? [];
  const namedId =
    envelope?.shipmentId ?? (shipments.length === 1 ? idOf((shipments[0] as ShipBobShipment).id) : null);
  const parcels = shipments.map((shipment) => {
    const parcel = parcelOf(shipment);
    return envelope ? withHint(parcel, envelope, parcel.externalId === namedId) : parcel;
  });
  const { status, tracking, reason } = summarize(parcels);
  return {
    type: 'shipment.updated',
    reference: order.reference_id ?? envelope?.reference ?? '',
    externalId: idOf(order.id),
    status,
    tracking,
    reason,
    occurredAt,
    parcels,
  };
}

/** When ShipBob last changed anything on the order (for polled events), or null. */
export function lastChangedAt(order: ShipBobOrder): string | null {
  let latest = Number.NEGATIVE_INFINITY;
  for (const shipment of order.shipments ?? []) {
    for (const value of [shipment.last_update_at, shipment.last_tracking_update_at, shipment.delivery_date]) {
      const time = value ? Date.parse(value.replace(/(\.\d{3})\d+/, '$1')) : Number.NaN;
      if (Number.isFinite(time) && time > latest) latest = time;
    }
  }
  return Number.isFinite(latest) ? new Date(latest).toISOString() : null;
}
