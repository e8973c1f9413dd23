/**
 * From a Shopify order's facts to the hub's canonical order. Pure: no I/O, no clock, so it is easy
 * to test and safe to run again when a delivery is replayed.
 */
import {
  type Address,
  type CanonicalEvent,
  checkedInteger,
  minorUnits,
  type OrderInput,
  type OrderLineInput,
} from '../../src/sdk/index.ts';
import type { ShopifyMode } from './connection.ts';
import { type AddressFacts, factsFromWebhook, type LineFacts, type OrderFacts } from './order-facts.ts';
import type { WebhookOrder } from './webhook-payloads.ts';

/** Financial states in which the merchant has the money and the goods may leave. */
const PAID = new Set(['paid', 'partially_refunded']);

export interface MapOptions {
  mode: ShopifyMode;
  /** What the connector needs back later (fulfillment order ids); opaque to the hub. */
  sourceData?: Record<string, unknown>;
  /** The version to apply by, when it is not the order's own `updatedAt` (a newer fulfillment request). */
  sourceUpdatedAt?: string;
}

export function mapOrder(facts: OrderFacts, options: MapOptions): OrderInput {
  const cancelled = facts.cancelledAt !== null;
  return {
    sourceOrderId: facts.id,
    sourceOrderName: facts.name,
    sourceUpdatedAt: options.sourceUpdatedAt ?? facts.updatedAt,
    placedAt: facts.createdAt,
    currency: facts.currency,
    // Money stays a decimal string until here and becomes integer minor units without a float.
    totalMinor: minorUnits(facts.total, facts.currency, `order ${facts.name} total`),
    email: blankToNull(facts.email),
    shippingAddress: facts.shippingAddress ? mapAddress(facts.shippingAddress) : null,
    shippingMethod: blankToNull(facts.shippingMethod),
    // A line whose every unit was removed or refunded has nothing left to send anywhere.
    lines: facts.lines.filter((line) => line.quantity > 0).map((line) => mapLine(line, facts.currency)),
    tags: facts.tags,
    note: blankToNull(facts.note),
    test: facts.test,
    readyToFulfill: cancelled ? false : isReady(facts, options.mode),
    cancelled,
    ...(options.sourceData ? { sourceData: options.sourceData } : {}),
  };
}

/**
 * Merchant-managed: a paid order that is not already fulfilled goes to the warehouse. As a
 * fulfillment service, the merchant's request is the signal (Shopify only sends one for an order
 * it considers ready), so the payment state is not second-guessed.
 */
function isReady(facts: OrderFacts, mode: ShopifyMode): boolean {
  if (mode === 'fulfillment_service') return true;
  return facts.financialStatus !== null && PAID.has(facts.financialStatus) && !facts.fullyFulfilled;
}

/**
 * An address a carrier cannot use (no street or no country: a pickup, a digital order) becomes
 * null, which the hub holds as `missing_address` rather than sending something undeliverable.
 */
export function mapAddress(address: AddressFacts): Address | null {
  const address1 = blankToNull(address.address1);
  const countryCode = blankToNull(address.countryCode);
  if (!address1 || !countryCode) return null;
  const name =
    blankToNull(address.name) ??
    [address.firstName, address.lastName].filter((part) => blankToNull(part)).join(' ');
  return {
    name,
    company: blankToNull(address.company),
    address1,
    address2: blankToNull(address.address2),
    city: blankToNull(address.city) ?? '',
    // Warehouses and carriers want the code (`KY`), and fall back to the name where there is none.
    province: blankToNull(address.provinceCode) ?? blankToNull(address.province),
    postalCode: blankToNull(address.zip),
    countryCode: countryCode.toUpperCase(),
    phone: blankToNull(address.phone),
  };
}

function mapLine(line: LineFacts, currency: string): OrderLineInput {
  return {
    sourceLineId: line.id,
    sku: blankToNull(line.sku),
    name: line.name,
    // Checked again here: lines merged from several fulfillment orders add up.
    quantity: checkedInteger(line.quantity, 'quantity', `line ${line.id} quantity`),
    unitPriceMinor: minorUnits(line.unitPrice, currency, `line ${line.id} unit price`),
    // A gift card is delivered by email even when its product is marked as shippable.
    requiresShipping: line.requiresShipping && !line.giftCard,
    sourceProductId: line.productId,
    sourceVariantId: line.variantId,
  };
}

/** Shopify sends "" and null interchangeably for "not given"; the hub only knows null. */
function blankToNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value;
}

/**
 * An `orders/*` webhook body as canonical events. Pure, so the door (parseWebhook) maps it exactly
 * as the apply job will, and refuses a body whose events the hub could not apply.
 */
export function webhookOrderEvents(topic: string, order: WebhookOrder, mode: ShopifyMode): CanonicalEvent[] {
  if (topic !== 'orders/cancelled') {
    if (mode === 'fulfillment_service') return [];
    return [{ type: 'order.upserted', order: mapOrder(factsFromWebhook(order), { mode }) }];
  }
  const facts = factsFromWebhook(order);
  const cancelled: CanonicalEvent = {
    type: 'order.cancelled',
    sourceOrderId: facts.id,
    sourceUpdatedAt: facts.updatedAt,
  };
  // Merchant-managed: the order's last state too, so an order whose create was missed exists.
  return mode === 'merchant_managed'
    ? [{ type: 'order.upserted', order: mapOrder(facts, { mode }) }, cancelled]
    : [cancelled];
}
