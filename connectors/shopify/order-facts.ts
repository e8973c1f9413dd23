/**
 * An order reaches the connector in two shapes: REST-shaped in webhooks, GraphQL-shaped when we
 * read it (reconciliation, fulfillment requests). Both are first reduced to the same facts, so
 * there is one mapping to the canonical order and the two paths cannot drift apart. Pure.
 */
import { minorUnits } from '../../src/sdk/index.ts';
import type { GraphqlAddress, GraphqlLineItem, GraphqlOrder } from './graphql/order-fields.ts';
import { legacyIdOf } from './payload-validation.ts';
import type { WebhookAddress, WebhookOrder } from './webhook-payloads.ts';

export interface AddressFacts {
  name: string | null;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  provinceCode: string | null;
  zip: string | null;
  countryCode: string | null;
  phone: string | null;
}

export interface LineFacts {
  /** The numeric line item id, as exact digits. */
  id: string;
  name: string;
  sku: string | null;
  /** Units still ordered: removed (edits) and refunded units are already taken out. */
  quantity: number;
  /** Unit price before discounts, as a decimal string, in the order's currency. */
  unitPrice: string;
  requiresShipping: boolean;
  giftCard: boolean;
  /** The numeric product and variant ids, as exact digits; null for a custom line item. */
  productId: string | null;
  variantId: string | null;
}

export interface OrderFacts {
  /** The numeric order id, as exact digits (the same as in `orders_to_redact`). */
  id: string;
  gid: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  /** Lower-case financial status (`paid`, `partially_refunded`, …), null when unknown. */
  financialStatus: string | null;
  fullyFulfilled: boolean;
  /** The currency the customer paid in (presentment), which the amounts below are in. */
  currency: string;
  total: string;
  email: string | null;
  shippingAddress: AddressFacts | null;
  shippingMethod: string | null;
  tags: string[];
  note: string | null;
  test: boolean;
  lines: LineFacts[];
}

export function factsFromWebhook(order: WebhookOrder): OrderFacts {
  const currency =
    order.presentment_currency ??
    order.current_total_price_set?.presentment_money.currency_code ??
    order.currency;
  const refunded = refundedQuantities(order);
  const total = firstAmount(currency, [
    [
      order.current_total_price_set?.presentment_money.amount,
      'order/current_total_price_set/presentment_money/amount',
    ],
    [order.total_price_set?.presentment_money.amount, 'order/total_price_set/presentment_money/amount'],
    [order.total_price, 'order/total_price'],
  ]);
  const shippingLine = (order.shipping_lines ?? []).find((line) => !line.is_removed);
  return {
    id: legacyIdOf(order.admin_graphql_api_id),
    gid: order.admin_graphql_api_id,
    name: order.name,
    createdAt: order.created_at,
    updatedAt: order.updated_at,
    cancelledAt: order.cancelled_at,
    financialStatus: order.financial_status ? order.financial_status.toLowerCase() : null,
    fullyFulfilled: order.fulfillment_status === 'fulfilled',
    currency,
    total,
    email: order.email ?? order.contact_email ?? order.customer?.email ?? null,
    shippingAddress: order.shipping_address ? addressFromWebhook(order.shipping_address) : null,
    shippingMethod: shippingLine?.title ?? shippingLine?.code ?? null,
    tags: (order.tags ?? '')
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean),
    note: order.note ?? null,
    test: order.test ?? false,
    lines: order.line_items.map((line, index) => {
      const id = legacyIdOf(line.admin_graphql_api_id);
      const path = `order/line_items/${index}`;
      return {
        id,
        name: line.name ?? line.title ?? '',
        sku: line.sku ?? null,
        // `current_quantity` already excludes removed and refunded units; older payloads lack it.
        quantity: line.current_quantity ?? Math.max(0, line.quantity - (refunded.get(id) ?? 0)),
        // 2026-07 payloads carry every amount in both currencies; `price` alone is the shop's.
        unitPrice: firstAmount(currency, [
          [line.price_set?.presentment_money.amount, `${path}/price_set/presentment_money/amount`],
          [line.price, `${path}/price`],
        ]),
        requiresShipping: line.requires_shipping ?? true,
        giftCard: line.gift_card ?? false,
        productId: idText(line.product_id),
        variantId: idText(line.variant_id),
      };
    }),
  };
}

/** An id from a losslessly parsed body: a number when small, its exact digits when not. */
function idText(id: number | string | null | undefined): string | null {
  return id === undefined || id === null ? null : String(id);
}

/**
 * The first amount given, once it is known to fit in minor units of the currency: money stays a
 * decimal string until the mapping, but an amount the hub cannot hold is refused here, where the
 * field it came from can still be named (MalformedPayloadError).
 */
function firstAmount(currency: string, candidates: [string | undefined, string][]): string {
  const [amount, path] = candidates.find(([value]) => value !== undefined) ?? candidates.at(-1)!;
  minorUnits(amount, currency, path);
  return amount!;
}

function refundedQuantities(order: WebhookOrder): Map<string, number> {
  const refunded = new Map<string, number>();
  for (const refund of order.refunds ?? []) {
    for (const line of refund.refund_line_items ?? []) {
      const id = String(line.line_item_id);
      refunded.set(id, (refunded.get(id) ?? 0) + line.quantity);
    }
  }
  return refunded;
}

function addressFromWebhook(address: WebhookAddress): AddressFacts {
  return {
    name: address.name ?? null,
    firstName: address.first_name ?? null,
    lastName: address.last_name ?? null,
    company: address.company ?? null,
    address1: address.address1 ?? null,
    address2: address.address2 ?? null,
    city: address.city ?? null,
    province: address.province ?? null,
    provinceCode: address.province_code ?? null,
    zip: address.zip ?? null,
    countryCode: address.country_code ?? null,
    phone: address.phone ?? null,
  };
}

/**
 * @param lines the lines to take: the order's own, or (fulfillment-service mode) the lines of the
 *   fulfillment orders assigned to the hub, with the quantities requested of it.
 */
export function factsFromGraphql(
  order: GraphqlOrder,
  lines: { lineItem: GraphqlLineItem; quantity: number }[],
): OrderFacts {
  return {
    id: order.legacyResourceId,
    gid: order.id,
    name: order.name,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    cancelledAt: order.cancelledAt,
    financialStatus: order.displayFinancialStatus ? order.displayFinancialStatus.toLowerCase() : null,
    fullyFulfilled: order.displayFulfillmentStatus === 'FULFILLED',
    currency: order.presentmentCurrencyCode,
    total: firstAmount(order.presentmentCurrencyCode, [
      [
        order.currentTotalPriceSet.presentmentMoney.amount,
        'order/currentTotalPriceSet/presentmentMoney/amount',
      ],
    ]),
    email: order.email,
    shippingAddress: order.shippingAddress ? addressFromGraphql(order.shippingAddress) : null,
    shippingMethod: order.shippingLine?.title ?? order.shippingLine?.code ?? null,
    tags: order.tags,
    note: order.note,
    test: order.test,
    lines: lines.map(({ lineItem, quantity }, index) => ({
      id: legacyIdOf(lineItem.id),
      name: lineItem.name,
      sku: lineItem.sku,
      quantity,
      unitPrice: firstAmount(order.presentmentCurrencyCode, [
        [
          lineItem.originalUnitPriceSet.presentmentMoney.amount,
          `order/lineItems/${index}/originalUnitPriceSet/presentmentMoney/amount`,
        ],
      ]),
      requiresShipping: lineItem.requiresShipping,
      giftCard: lineItem.isGiftCard,
      productId: lineItem.product ? legacyIdOf(lineItem.product.id) : null,
      variantId: lineItem.variant ? legacyIdOf(lineItem.variant.id) : null,
    })),
  };
}

function addressFromGraphql(address: GraphqlAddress): AddressFacts {
  return {
    name: address.name,
    firstName: address.firstName,
    lastName: address.lastName,
    company: address.company,
    address1: address.address1,
    address2: address.address2,
    city: address.city,
    province: address.province,
    provinceCode: address.provinceCode,
    zip: address.zip,
    countryCode: address.countryCodeV2,
    phone: address.phone,
  };
}
