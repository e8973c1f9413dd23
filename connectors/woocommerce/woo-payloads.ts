/**
 * The WooCommerce payloads the connector reads, each a schema bound to its type. Written from the
 * REST API v3 reference and WooCommerce's source, not from a client library. Only the fields we
 * use are listed; everything else is allowed and ignored.
 * Longer than 300 lines on purpose: one schema beside its type per shape, where the two can be
 * compared, and the shared pieces (meta, line items, dates) defined once for all of them.
 */
import { definePayload, gmtDate, id, looseString, nullableGmtDate } from './payload-validation.ts';

export interface WooMeta {
  id?: number;
  key: string;
  value: unknown;
}

const meta = {
  type: 'object',
  required: ['key'],
  properties: { id, key: { type: 'string' } },
} as const;

export interface WooAddress {
  first_name?: string | null;
  last_name?: string | null;
  company?: string | null;
  address_1?: string | null;
  address_2?: string | null;
  city?: string | null;
  state?: string | null;
  postcode?: string | null;
  country?: string | null;
  phone?: string | null;
  email?: string | null;
}

const address = {
  type: 'object',
  properties: Object.fromEntries(
    [
      'first_name',
      'last_name',
      'company',
      'address_1',
      'address_2',
      'city',
      'state',
      'postcode',
      'country',
      'phone',
      'email',
    ].map((field) => [field, looseString]),
  ),
} as const;

export interface WooLineItem {
  id: number;
  name?: string | null;
  product_id?: number;
  variation_id?: number;
  quantity: number;
  sku?: string | null;
  /** A JSON number (the docs' sample has `3`), unlike every other amount. */
  price?: number | string | null;
  subtotal?: string | null;
}

export interface WooOrder {
  id: number;
  number?: string | number;
  status: string;
  currency: string;
  date_created_gmt?: string | null;
  date_modified_gmt: string;
  date_paid_gmt?: string | null;
  total: string;
  customer_note?: string | null;
  billing?: WooAddress | null;
  shipping?: WooAddress | null;
  line_items: WooLineItem[];
  shipping_lines?: { method_title?: string | null; method_id?: string | null }[];
  meta_data?: WooMeta[];
}

const orderSchema = {
  type: 'object',
  required: ['id', 'status', 'currency', 'date_modified_gmt', 'total', 'line_items'],
  properties: {
    id,
    number: { type: ['string', 'integer'] },
    status: { type: 'string', minLength: 1 },
    currency: { type: 'string', pattern: '^[A-Za-z]{3}$' },
    date_created_gmt: nullableGmtDate,
    date_modified_gmt: gmtDate,
    date_paid_gmt: nullableGmtDate,
    total: { type: 'string' },
    customer_note: looseString,
    billing: { anyOf: [address, { type: 'null' }] },
    shipping: { anyOf: [address, { type: 'null' }] },
    line_items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'quantity'],
        properties: {
          id,
          name: looseString,
          product_id: id,
          variation_id: id,
          quantity: { type: 'integer' },
          sku: looseString,
          price: { type: ['number', 'string', 'null'] },
          subtotal: looseString,
        },
      },
    },
    shipping_lines: {
      type: 'array',
      items: { type: 'object', properties: { method_title: looseString, method_id: looseString } },
    },
    meta_data: { type: 'array', items: meta },
  },
} as const;

export const wooOrder = definePayload<WooOrder>('order', orderSchema);
export const wooOrderList = definePayload<unknown[]>('orders', { type: 'array', items: { type: 'object' } });

export interface WooProduct {
  id: number;
  sku?: string | null;
  type?: string;
  parent_id?: number;
  /** A variation that inherits its parent's stock says `"parent"`. */
  manage_stock?: boolean | string | null;
  stock_quantity?: number | null;
  date_modified_gmt?: string | null;
}

const productSchema = {
  type: 'object',
  required: ['id'],
  properties: {
    id,
    sku: looseString,
    type: { type: 'string' },
    parent_id: id,
    manage_stock: { type: ['boolean', 'string', 'null'] },
    stock_quantity: { type: ['number', 'null'] },
    date_modified_gmt: nullableGmtDate,
  },
} as const;

export const wooProduct = definePayload<WooProduct>('product', productSchema);
export const wooProductList = definePayload<WooProduct[]>('products', {
  type: 'array',
  items: productSchema,
});

/** `*.deleted` deliveries carry only the id. */
export const wooDeleted = definePayload<{ id: number }>('deleted', {
  type: 'object',
  required: ['id'],
  properties: { id },
});

/** What WooCommerce answers (and even delivers as a webhook body) when something fails. */
export interface WooError {
  code: string;
  message?: string;
  data?: { status?: number } | null;
}

export const wooError = definePayload<WooError>('error', {
  type: 'object',
  required: ['code'],
  properties: { code: { type: 'string' }, message: { type: 'string' } },
});

export interface WooWebhook {
  id: number;
  name: string;
  status: string;
  topic: string;
  delivery_url: string;
}

const webhookSchema = {
  type: 'object',
  required: ['id', 'name', 'status', 'topic', 'delivery_url'],
  properties: {
    id,
    name: { type: 'string' },
    status: { type: 'string' },
    topic: { type: 'string' },
    delivery_url: { type: 'string' },
  },
} as const;

export const wooWebhook = definePayload<WooWebhook>('webhook', webhookSchema);
export const wooWebhookList = definePayload<WooWebhook[]>('webhooks', {
  type: 'array',
  items: webhookSchema,
});

export interface WooBatchItem {
  id: number;
  sku?: string | null;
  manage_stock?: boolean | string | null;
  stock_quantity?: number | null;
  error?: { code: string; message?: string };
}

/** `POST …/batch`: a 200 whose items may each carry their own error. */
export const wooBatchResponse = definePayload<{ update?: WooBatchItem[] }>('batch', {
  type: 'object',
  properties: {
    update: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id,
          sku: looseString,
          manage_stock: { type: ['boolean', 'string', 'null'] },
          stock_quantity: { type: ['number', 'null'] },
          error: {
            type: 'object',
            required: ['code'],
            properties: { code: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
});

/** `GET /wp-json/`: which REST namespaces (plugins) and routes the site has. */
export const wooIndex = definePayload<{ namespaces: string[]; routes?: Record<string, unknown> }>('index', {
  type: 'object',
  required: ['namespaces'],
  properties: {
    namespaces: { type: 'array', items: { type: 'string' } },
    routes: { type: 'object' },
  },
});

/** A Shipment Tracking (or AST) item; `tracking_id` addresses it. */
export interface WooTrackingItem {
  tracking_id: string;
  tracking_number: string | number;
}

const trackingItemSchema = {
  type: 'object',
  required: ['tracking_id', 'tracking_number'],
  properties: { tracking_id: { type: 'string' }, tracking_number: { type: ['string', 'number'] } },
} as const;

export const wooTrackingItem = definePayload<WooTrackingItem>('tracking item', trackingItemSchema);
export const wooTrackingItems = definePayload<WooTrackingItem[]>('tracking items', {
  type: 'array',
  items: trackingItemSchema,
});

/** A core (10.1+) order fulfillment. Early releases wrap responses in `{fulfillment(s): …}`. */
export interface WooFulfillment {
  id: number;
  meta_data?: WooMeta[];
}

const fulfillmentSchema = {
  type: 'object',
  required: ['id'],
  properties: { id, meta_data: { type: 'array', items: meta } },
} as const;

export const wooFulfillment = definePayload<WooFulfillment | { fulfillment: WooFulfillment }>('fulfillment', {
  anyOf: [
    fulfillmentSchema,
    { type: 'object', required: ['fulfillment'], properties: { fulfillment: fulfillmentSchema } },
  ],
});
export const wooFulfillments = definePayload<WooFulfillment[] | { fulfillments: WooFulfillment[] }>(
  'fulfillments',
  {
    anyOf: [
      { type: 'array', items: fulfillmentSchema },
      {
        type: 'object',
        required: ['fulfillments'],
        properties: { fulfillments: { type: 'array', items: fulfillmentSchema } },
      },
    ],
  },
);

export interface WooNote {
  id: number;
  note: string;
}

export const wooNotes = definePayload<WooNote[]>('notes', {
  type: 'array',
  items: { type: 'object', required: ['id', 'note'], properties: { id, note: { type: 'string' } } },
});

/** What `/wc-auth/v1/authorize` posts to our callback once the merchant approves. */
export interface WooAuthCallback {
  key_id: number;
  user_id: string | number;
  consumer_key: string;
  consumer_secret: string;
  key_permissions: string;
}

export const wooAuthCallback = definePayload<WooAuthCallback>('wc-auth callback', {
  type: 'object',
  required: ['key_id', 'user_id', 'consumer_key', 'consumer_secret', 'key_permissions'],
  properties: {
    key_id: id,
    user_id: { type: ['string', 'integer'] },
    consumer_key: { type: 'string', pattern: '^ck_[A-Za-z0-9]+$', maxLength: 128 },
    consumer_secret: { type: 'string', pattern: '^cs_[A-Za-z0-9]+$', maxLength: 128 },
    key_permissions: { type: 'string' },
  },
});

/** A WooCommerce `_gmt` date (UTC without a designator) as an ISO 8601 instant. */
export function gmtToIso(value: string): string {
  return new Date(`${value.slice(0, 19)}Z`).toISOString();
}

/** An instant as WooCommerce's `_gmt` format, for `modified_after` with `dates_are_gmt`. */
export function isoToGmt(value: string | Date): string {
  return new Date(value).toISOString().slice(0, 19);
}
