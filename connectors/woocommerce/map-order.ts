/**
 * From a WooCommerce order (REST v3 shape, which is also the webhook body) to the hub's canonical
 * order. Pure: no I/O, no clock; the payload was validated before it got here.
 */
import {
  type Address,
  type CanonicalEvent,
  checkedInteger,
  MalformedPayloadError,
  minorUnits,
  type OrderInput,
  type OrderLineInput,
} from '../../src/sdk/index.ts';
import { gmtToIso, type WooAddress, type WooLineItem, type WooOrder } from './woo-payloads.ts';

/** What the hub should do with an order in this status. */
export type OrderGate = 'route' | 'wait' | 'cancel' | 'skip';

// Cancelled, fully refunded and trashed orders are withdrawn; the hub cancels them at the 3PL while
// it still can.
const WITHDRAWN = new Set(['cancelled', 'refunded', 'trash']);
// Block checkout's drafts (and WordPress drafts) are carts, not orders yet.
const NOT_YET_ORDERS = new Set(['checkout-draft', 'draft', 'auto-draft']);

/**
 * Only `processing` with a payment date is ready to ship (WooCommerce's own "paid and needs
 * fulfilment"). `on-hold` (awaiting a bank transfer), `pending` and `failed` are unpaid;
 * `completed` was fulfilled by someone (or by us); statuses added by plugins (`delivered`,
 * `partial-shipped`, `ready-for-pickup`, …) are recorded but never routed.
 */
export function orderGate(order: Pick<WooOrder, 'status' | 'date_paid_gmt'>): OrderGate {
  if (WITHDRAWN.has(order.status)) return 'cancel';
  if (NOT_YET_ORDERS.has(order.status)) return 'skip';
  if (order.status === 'processing' && order.date_paid_gmt) return 'route';
  return 'wait';
}

export function mapOrderEvents(order: WooOrder): CanonicalEvent[] {
  if (orderGate(order) === 'skip') return [];
  return [{ type: 'order.upserted', order: mapOrder(order) }];
}

export function mapOrder(order: WooOrder): OrderInput {
  const gate = orderGate(order);
  const number = String(order.number ?? order.id);
  return {
    sourceOrderId: String(order.id),
    // What the customer sees ("Order #1234"); it differs from the id with sequential-number plugins.
    sourceOrderName: `#${number}`,
    sourceUpdatedAt: instant(order.date_modified_gmt, 'order/date_modified_gmt'),
    placedAt: order.date_created_gmt
      ? instant(order.date_created_gmt, 'order/date_created_gmt')
      : instant(order.date_modified_gmt, 'order/date_modified_gmt'),
    currency: order.currency.toUpperCase(),
    totalMinor: minorUnits(order.total, order.currency, 'order/total'),
    email: blankToNull(order.billing?.email),
    shippingAddress: mapAddress(order.shipping, order.billing),
    shippingMethod: shippingMethod(order),
    lines: order.line_items
      .map((line, index) => mapLine(line, order.currency, `order/line_items/${index}`))
      .filter((line) => line.quantity > 0),
    tags: [],
    note: blankToNull(order.customer_note),
    test: false,
    readyToFulfill: gate === 'route',
    cancelled: gate === 'cancel',
    sourceData: { number },
  };
}

/**
 * The shipping address, or the billing address when the order has none: WooCommerce copies
 * billing into shipping at checkout, but orders made by hand or by API may leave shipping empty.
 */
export function mapAddress(
  shipping: WooAddress | null | undefined,
  billing: WooAddress | null | undefined,
): Address | null {
  const source = hasAddress(shipping) ? shipping : hasAddress(billing) ? billing : null;
  if (!source) return null;
  const name = [source.first_name, source.last_name].map(blankToNull).filter(Boolean).join(' ');
  return {
    name: name || blankToNull(source.company) || '',
    company: blankToNull(source.company),
    address1: blankToNull(source.address_1) ?? '',
    address2: blankToNull(source.address_2),
    city: blankToNull(source.city) ?? '',
    province: blankToNull(source.state),
    postalCode: blankToNull(source.postcode),
    countryCode: (blankToNull(source.country) ?? '').toUpperCase(),
    // Shipping phone exists since WooCommerce 5.6; older orders have only the billing one.
    phone: blankToNull(source.phone) ?? blankToNull(billing?.phone),
  };
}

function hasAddress(address: WooAddress | null | undefined): address is WooAddress {
  return Boolean(blankToNull(address?.address_1) && blankToNull(address?.country));
}

function shippingMethod(order: WooOrder): string | null {
  const names = (order.shipping_lines ?? [])
    .map((line) => blankToNull(decodeEntities(line.method_title ?? '')) ?? blankToNull(line.method_id))
    .filter((name): name is string => name !== null);
  return names.length > 0 ? [...new Set(names)].join(', ') : null;
}

function mapLine(line: WooLineItem, currency: string, path: string): OrderLineInput {
  const sku = blankToNull(line.sku);
  // A negative quantity (never seen in an order's own lines) is a line with nothing to send.
  const quantity = checkedInteger(Math.max(0, line.quantity), 'quantity', `${path}/quantity`);
  return {
    sourceLineId: String(line.id),
    // For a variation WooCommerce reports the variation's own SKU.
    sku: sku?.trim() ?? null,
    name: blankToNull(decodeEntities(line.name ?? '')) ?? sku ?? `Item ${line.id}`,
    quantity,
    unitPriceMinor: quantity > 0 ? unitPrice(line, currency, path) : 0,
    // The order does not say whether a product is virtual; the 3PL is told about every line and
    // a service SKU it does not stock parks the order for a person (or the merchant's SKU map
    // marks the product "do not ship").
    requiresShipping: true,
    sourceProductId: wooId(line.product_id),
    // WooCommerce sends 0 for "not a variation".
    sourceVariantId: wooId(line.variation_id),
  };
}

/**
 * `price` is the only amount WooCommerce sends as a JSON number (the pre-discount unit price,
 * excluding tax). Fixed-point text keeps a float like 0.30000000000000004 or 1e-7 out of the
 * decimal parser.
 */
function unitPrice(line: WooLineItem, currency: string, path: string): number {
  if (typeof line.price === 'number' && Number.isFinite(line.price))
    return minorUnits(line.price.toFixed(6), currency, `${path}/price`);
  if (typeof line.price === 'string' && line.price.trim() !== '')
    return minorUnits(line.price, currency, `${path}/price`);
  if (line.subtotal && line.quantity > 0)
    return Math.round(minorUnits(line.subtotal, currency, `${path}/subtotal`) / line.quantity);
  return 0;
}

/** A `_gmt` date as an ISO instant; one that is no date (`2024-13-45T…`) names its field. */
function instant(value: string, field: string): string {
  try {
    return gmtToIso(value);
  } catch (error) {
    throw new MalformedPayloadError(`${field}: ${JSON.stringify(value.slice(0, 40))} is not a date`, {
      cause: error,
    });
  }
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  ndash: '\u2013',
  mdash: '\u2014',
  hellip: '\u2026',
  lsquo: '\u2018',
  rsquo: '\u2019',
  ldquo: '\u201c',
  rdquo: '\u201d',
};

/** Product and method names come HTML-escaped (`Ship Your Idea &ndash; Color: Black`). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, body: string) => {
    if (body[0] === '#') {
      const code =
        body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? entity;
  });
}

/** A product or variation id; WooCommerce's 0 (and an absent id) means none. */
function wooId(id: number | undefined): string | null {
  return id === undefined || id === 0 ? null : String(id);
}

/** Stores send "" and null interchangeably for "not given"; the hub only knows null. */
function blankToNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value;
}
