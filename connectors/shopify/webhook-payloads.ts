/**
 * The webhook bodies this connector reads, as Shopify serializes them (REST-shaped, snake_case,
 * 2026-07). Bodies are parsed losslessly first, so an id beyond 2^53 arrives as its exact digits.
 */
import {
  decimal,
  definePayload,
  gidOf,
  integerId,
  nullableString,
  nullableTimestamp,
  quantity,
  stockCount,
  timestamp,
} from './payload-validation.ts';

interface MoneySet {
  shop_money: { amount: string; currency_code: string };
  presentment_money: { amount: string; currency_code: string };
}

export interface WebhookAddress {
  name?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  company?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  province?: string | null;
  province_code?: string | null;
  zip?: string | null;
  country_code?: string | null;
  phone?: string | null;
}

export interface WebhookLineItem {
  admin_graphql_api_id: string;
  name?: string | null;
  title?: string | null;
  sku?: string | null;
  quantity: number;
  /** The quantity less what was removed by edits and refunds; absent on old payloads. */
  current_quantity?: number;
  price: string;
  price_set?: MoneySet;
  requires_shipping?: boolean;
  gift_card?: boolean;
  /** Null for a custom line item (no product behind it). */
  product_id?: number | string | null;
  variant_id?: number | string | null;
}

export interface WebhookOrder {
  admin_graphql_api_id: string;
  name: string;
  created_at: string;
  updated_at: string;
  cancelled_at: string | null;
  financial_status?: string | null;
  fulfillment_status?: string | null;
  currency: string;
  presentment_currency?: string | null;
  total_price: string;
  total_price_set?: MoneySet | null;
  current_total_price_set?: MoneySet | null;
  email?: string | null;
  contact_email?: string | null;
  customer?: { email?: string | null } | null;
  shipping_address?: WebhookAddress | null;
  shipping_lines?: { title?: string | null; code?: string | null; is_removed?: boolean }[];
  tags?: string | null;
  note?: string | null;
  test?: boolean;
  line_items: WebhookLineItem[];
  refunds?: { refund_line_items?: { line_item_id: number | string; quantity: number }[] }[];
}

const money = {
  type: 'object',
  required: ['amount', 'currency_code'],
  properties: { amount: decimal, currency_code: { type: 'string', pattern: '^[A-Z]{3}$' } },
} as const;
const moneySet = {
  type: 'object',
  required: ['shop_money', 'presentment_money'],
  properties: { shop_money: money, presentment_money: money },
} as const;
const nullableMoneySet = { anyOf: [moneySet, { type: 'null' }] } as const;

const addressSchema = {
  type: 'object',
  properties: Object.fromEntries(
    [
      'name',
      'first_name',
      'last_name',
      'company',
      'address1',
      'address2',
      'city',
      'province',
      'province_code',
      'zip',
      'country_code',
      'phone',
    ].map((field) => [field, nullableString]),
  ),
} as const;

const lineItemSchema = {
  type: 'object',
  required: ['admin_graphql_api_id', 'quantity', 'price'],
  properties: {
    // Keyed by the GID: the numeric `id` is beyond 2^53 and only exact when parsed losslessly.
    admin_graphql_api_id: gidOf('LineItem'),
    name: nullableString,
    title: nullableString,
    sku: nullableString,
    quantity,
    current_quantity: quantity,
    price: decimal,
    price_set: moneySet,
    requires_shipping: { type: 'boolean' },
    gift_card: { type: 'boolean' },
    product_id: { anyOf: [integerId, { type: 'null' }] },
    variant_id: { anyOf: [integerId, { type: 'null' }] },
  },
} as const;

/** The body of `orders/create`, `orders/updated`, `orders/cancelled` (and `orders/paid`, …). */
export const webhookOrder = definePayload<WebhookOrder>('order', {
  type: 'object',
  required: [
    'admin_graphql_api_id',
    'name',
    'created_at',
    'updated_at',
    'cancelled_at',
    'currency',
    'total_price',
    'line_items',
  ],
  properties: {
    admin_graphql_api_id: gidOf('Order'),
    name: { type: 'string' },
    created_at: timestamp,
    updated_at: timestamp,
    cancelled_at: nullableTimestamp,
    financial_status: nullableString,
    fulfillment_status: nullableString,
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    presentment_currency: { anyOf: [{ type: 'string', pattern: '^[A-Z]{3}$' }, { type: 'null' }] },
    total_price: decimal,
    total_price_set: nullableMoneySet,
    current_total_price_set: nullableMoneySet,
    email: nullableString,
    contact_email: nullableString,
    customer: { anyOf: [{ type: 'object', properties: { email: nullableString } }, { type: 'null' }] },
    shipping_address: { anyOf: [addressSchema, { type: 'null' }] },
    shipping_lines: {
      type: 'array',
      items: {
        type: 'object',
        properties: { title: nullableString, code: nullableString, is_removed: { type: 'boolean' } },
      },
    },
    tags: nullableString,
    note: nullableString,
    test: { type: 'boolean' },
    line_items: { type: 'array', items: lineItemSchema },
    refunds: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          refund_line_items: {
            type: 'array',
            items: {
              type: 'object',
              required: ['line_item_id', 'quantity'],
              properties: { line_item_id: integerId, quantity },
            },
          },
        },
      },
    },
  },
});

export interface WebhookInventoryLevel {
  /** `gid://shopify/InventoryLevel/{location}?inventory_item_id={item}`: both ids, exactly. */
  admin_graphql_api_id: string;
  available: number | null;
  updated_at: string;
}

/** `inventory_levels/update`: only `available`, never `on_hand`; it can be null. */
export const webhookInventoryLevel = definePayload<WebhookInventoryLevel>('inventory level', {
  type: 'object',
  required: ['admin_graphql_api_id', 'updated_at'],
  properties: {
    admin_graphql_api_id: {
      type: 'string',
      pattern: '^gid://shopify/InventoryLevel/\\d+\\?inventory_item_id=\\d+$',
    },
    available: { anyOf: [stockCount, { type: 'null' }] },
    updated_at: timestamp,
  },
});

export interface ComplianceCustomer {
  id?: number | string | null;
  email?: string | null;
  phone?: string | null;
}

export interface CustomersDataRequest {
  shop_domain: string;
  customer: ComplianceCustomer;
  orders_requested?: (number | string)[];
  data_request?: { id: number | string } | null;
}

export interface CustomersRedact {
  shop_domain: string;
  customer: ComplianceCustomer;
  orders_to_redact?: (number | string)[];
}

const complianceCustomer = {
  type: 'object',
  properties: { id: { anyOf: [integerId, { type: 'null' }] }, email: nullableString, phone: nullableString },
} as const;

export const customersDataRequest = definePayload<CustomersDataRequest>('customers/data_request', {
  type: 'object',
  required: ['shop_domain', 'customer'],
  properties: {
    shop_domain: { type: 'string' },
    customer: complianceCustomer,
    orders_requested: { type: 'array', items: integerId },
    data_request: {
      anyOf: [{ type: 'object', required: ['id'], properties: { id: integerId } }, { type: 'null' }],
    },
  },
});

export const customersRedact = definePayload<CustomersRedact>('customers/redact', {
  type: 'object',
  required: ['shop_domain', 'customer'],
  properties: {
    shop_domain: { type: 'string' },
    customer: complianceCustomer,
    orders_to_redact: { type: 'array', items: integerId },
  },
});

export const shopRedact = definePayload<{ shop_domain: string; shop_id?: number | string }>('shop/redact', {
  type: 'object',
  required: ['shop_domain'],
  properties: { shop_domain: { type: 'string' }, shop_id: integerId },
});

/** What Shopify posts to `<callbackUrl>/fulfillment_order_notification`: only a hint to sweep. */
export interface FulfillmentOrderNotification {
  kind: 'FULFILLMENT_REQUEST' | 'CANCELLATION_REQUEST';
}

export const fulfillmentOrderNotification = definePayload<FulfillmentOrderNotification>(
  'fulfillment order notification',
  {
    type: 'object',
    required: ['kind'],
    properties: { kind: { type: 'string', enum: ['FULFILLMENT_REQUEST', 'CANCELLATION_REQUEST'] } },
  },
);

/** Any JSON object: the bodies we only need to be well-formed (the Shop of `app/uninstalled`). */
export const anyObject = definePayload<Record<string, unknown>>('body', { type: 'object' });
