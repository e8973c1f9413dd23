/**
 * The sandbox storefront's wire format as this connector reads it: webhook bodies and API answers.
 * The connector deliberately does not import the simulator's types: a real connector only has the
 * platform's documentation, and writing the schema from it is part of the job.
 */
import { definePayload, nonEmptyString, nullableString, quantity, timestamp } from './payload-validation.ts';

export interface StorefrontAddressPayload {
  name: string;
  company?: string | null;
  address1: string;
  address2?: string | null;
  city: string;
  province?: string | null;
  zip?: string | null;
  country_code: string;
  phone?: string | null;
}

export interface StorefrontLineItemPayload {
  /** A 64-bit integer as a string; never parse it as a number (2^53 is the limit of exactness). */
  id: string;
  sku?: string | null;
  title: string;
  quantity: number;
  price: string;
  requires_shipping?: boolean;
  /** The storefront's product and variant ids, as strings; null when the line has none. */
  product_id?: string | null;
  variant_id?: string | null;
}

export interface StorefrontOrderPayload {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
  /** "paid" and "pending" in the sandbox; real platforms have more, so any string is accepted. */
  financial_status: string;
  cancelled_at: string | null;
  currency: string;
  total_price: string;
  email?: string | null;
  shipping_address?: StorefrontAddressPayload | null;
  shipping_method?: string | null;
  tags?: string[];
  note?: string | null;
  test?: boolean;
  line_items: StorefrontLineItemPayload[];
}

const storefrontId = { anyOf: [{ type: 'null' }, { type: 'string', maxLength: 255 }] } as const;

/** Money as a decimal string; the mapping checks that it fits in minor units. */
const decimal = { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$' } as const;

const addressSchema = {
  type: 'object',
  required: ['name', 'address1', 'city', 'country_code'],
  properties: {
    name: { type: 'string' },
    company: nullableString,
    address1: { type: 'string' },
    address2: nullableString,
    city: { type: 'string' },
    province: nullableString,
    zip: nullableString,
    country_code: { type: 'string', pattern: '^[A-Z]{2}$' },
    phone: nullableString,
  },
} as const;

const lineItemSchema = {
  type: 'object',
  required: ['id', 'title', 'quantity', 'price'],
  properties: {
    id: nonEmptyString,
    sku: nullableString,
    title: { type: 'string' },
    quantity,
    price: decimal,
    requires_shipping: { type: 'boolean' },
    product_id: storefrontId,
    variant_id: storefrontId,
  },
} as const;

const orderSchema = {
  type: 'object',
  required: [
    'id',
    'name',
    'created_at',
    'updated_at',
    'financial_status',
    'cancelled_at',
    'currency',
    'total_price',
    'line_items',
  ],
  properties: {
    // A number here would already have lost precision in JSON.parse: refuse it rather than guess.
    id: nonEmptyString,
    name: { type: 'string' },
    created_at: timestamp,
    updated_at: timestamp,
    financial_status: { type: 'string' },
    cancelled_at: { anyOf: [timestamp, { type: 'null' }] },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    total_price: decimal,
    email: nullableString,
    shipping_address: { anyOf: [addressSchema, { type: 'null' }] },
    shipping_method: nullableString,
    tags: { type: 'array', items: { type: 'string' } },
    note: nullableString,
    test: { type: 'boolean' },
    line_items: { type: 'array', items: lineItemSchema },
  },
} as const;

/** The body of every `orders/*` webhook, and the order in API answers. */
export const storefrontOrder = definePayload<StorefrontOrderPayload>('order', orderSchema);

export const orderListResponse = definePayload<{ orders: StorefrontOrderPayload[] }>('response', {
  type: 'object',
  required: ['orders'],
  properties: { orders: { type: 'array', items: orderSchema } },
});

export const fulfillmentResponse = definePayload<{ fulfillment: { id: string; reference: string } }>(
  'response',
  {
    type: 'object',
    required: ['fulfillment'],
    properties: {
      fulfillment: {
        type: 'object',
        required: ['id', 'reference'],
        properties: { id: nonEmptyString, reference: nonEmptyString },
      },
    },
  },
);

/** The inventory API's batch answer: how many were set, and the items it refused. */
export const inventorySetResponse = definePayload<{
  updated: number;
  errors?: { sku: string; code: string; message: string }[];
}>('response', {
  type: 'object',
  required: ['updated'],
  properties: {
    updated: { type: 'integer', minimum: 0 },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['sku', 'code', 'message'],
        properties: { sku: nonEmptyString, code: nonEmptyString, message: { type: 'string' } },
      },
    },
  },
});
