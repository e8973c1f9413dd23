/**
 * From the sandbox storefront's order to the hub's canonical order. Pure: no I/O, no clock; the
 * payload's shape was checked against its schema before it got here, and its numbers are checked
 * here against what the hub can hold (MalformedPayloadError naming the field), so it is easy to
 * test and safe to call again when a delivery is replayed.
 */
import {
  type Address,
  checkedInteger,
  minorUnits,
  type OrderInput,
  type OrderLineInput,
} from '../../src/sdk/index.ts';
import type {
  StorefrontAddressPayload,
  StorefrontLineItemPayload,
  StorefrontOrderPayload,
} from './storefront-payloads.ts';

export function mapStorefrontOrder(order: StorefrontOrderPayload): OrderInput {
  const cancelled = order.cancelled_at !== null;
  return {
    sourceOrderId: order.id,
    sourceOrderName: order.name,
    sourceUpdatedAt: order.updated_at,
    placedAt: order.created_at,
    currency: order.currency,
    // Money stays a string until here, and becomes integer minor units without a float in between;
    // an amount or quantity beyond what the hub holds is refused naming its field.
    totalMinor: minorUnits(order.total_price, order.currency, 'order/total_price'),
    email: blankToNull(order.email),
    shippingAddress: order.shipping_address ? mapAddress(order.shipping_address) : null,
    shippingMethod: blankToNull(order.shipping_method),
    lines: order.line_items.map((line, index) => mapLine(line, order.currency, `order/line_items/${index}`)),
    tags: order.tags ?? [],
    note: blankToNull(order.note),
    test: order.test ?? false,
    // Only a paid, live order goes to the warehouse; a pending one waits for its orders/updated.
    readyToFulfill: order.financial_status === 'paid' && !cancelled,
    cancelled,
  };
}

export function mapAddress(address: StorefrontAddressPayload): Address {
  return {
    name: address.name,
    company: blankToNull(address.company),
    address1: address.address1,
    address2: blankToNull(address.address2),
    city: address.city,
    province: blankToNull(address.province),
    postalCode: blankToNull(address.zip),
    countryCode: address.country_code,
    phone: blankToNull(address.phone),
  };
}

function mapLine(line: StorefrontLineItemPayload, currency: string, path: string): OrderLineInput {
  return {
    sourceLineId: line.id,
    sku: blankToNull(line.sku),
    name: line.title,
    quantity: checkedInteger(line.quantity, 'quantity', `${path}/quantity`),
    unitPriceMinor: minorUnits(line.price, currency, `${path}/price`),
    requiresShipping: line.requires_shipping ?? true,
    sourceProductId: blankToNull(line.product_id),
    sourceVariantId: blankToNull(line.variant_id),
  };
}

/** Storefronts send "" and null interchangeably for "not given"; the hub only knows null. */
function blankToNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value;
}
