/**
 * The sandbox 3PL's wire format as this connector reads it: webhook bodies, API answers, and the
 * error bodies whose `error` code decides between "already done" and "needs a human".
 */
import {
  definePayload,
  nonEmptyString,
  nullableString,
  stockCount,
  timestamp,
} from './payload-validation.ts';

export type ThreePlStatus = 'accepted' | 'shipped' | 'delivered' | 'cancelled' | 'exception';

export interface ThreePlShipmentPayload {
  carrier: string | null;
  tracking_number: string;
  tracking_url: string | null;
}

/** The part of a 3PL order this connector uses (webhooks send only this part). */
export interface ThreePlOrderPayload {
  id: string;
  reference: string;
  status: ThreePlStatus;
  updated_at: string;
  shipment: ThreePlShipmentPayload | null;
}

export interface ShipmentEventPayload {
  event_id: string;
  occurred_at: string;
  order: ThreePlOrderPayload;
}

export interface StockLevelsPayload {
  location: string;
  levels: { sku: string; available: number }[];
}

export interface StockEventPayload extends StockLevelsPayload {
  event_id: string;
  occurred_at: string;
}

/** 4xx bodies: `{error: "duplicate_reference", order_id}`, `{error: "unknown_sku", skus}`, ... */
export interface ThreePlErrorPayload {
  error: string;
  order_id?: string;
  skus?: string[];
  reason?: string;
}

const shipmentSchema = {
  type: 'object',
  required: ['carrier', 'tracking_number', 'tracking_url'],
  properties: { carrier: nullableString, tracking_number: nonEmptyString, tracking_url: nullableString },
} as const;

const orderSchema = {
  type: 'object',
  required: ['id', 'reference', 'status', 'updated_at', 'shipment'],
  properties: {
    id: nonEmptyString,
    reference: nonEmptyString,
    status: { enum: ['accepted', 'shipped', 'delivered', 'cancelled', 'exception'] },
    updated_at: timestamp,
    shipment: { anyOf: [shipmentSchema, { type: 'null' }] },
  },
} as const;

const levelsSchema = (available: Record<string, unknown>) =>
  ({
    type: 'array',
    items: {
      type: 'object',
      required: ['sku', 'available'],
      properties: { sku: nonEmptyString, available },
    },
  }) as const;

export const shipmentEvent = definePayload<ShipmentEventPayload>('shipment event', {
  type: 'object',
  required: ['event_id', 'occurred_at', 'order'],
  properties: { event_id: nonEmptyString, occurred_at: timestamp, order: orderSchema },
});

export const stockEvent = definePayload<StockEventPayload>('stock event', {
  type: 'object',
  required: ['event_id', 'occurred_at', 'location', 'levels'],
  properties: {
    event_id: nonEmptyString,
    occurred_at: timestamp,
    location: nonEmptyString,
    // A webhook can be refused: a count beyond what the hub stores is, naming the level.
    levels: levelsSchema(stockCount),
  },
});

export const orderResponse = definePayload<{ order: ThreePlOrderPayload }>('response', {
  type: 'object',
  required: ['order'],
  properties: { order: orderSchema },
});

export const orderListResponse = definePayload<{ orders: ThreePlOrderPayload[] }>('response', {
  type: 'object',
  required: ['orders'],
  properties: { orders: { type: 'array', items: orderSchema } },
});

/** `location`/`levels`: the first warehouse (the shape before locations); `locations`: every one. */
export interface StockResponsePayload extends StockLevelsPayload {
  locations?: StockLevelsPayload[];
}

export const stockResponse = definePayload<StockResponsePayload>('response', {
  type: 'object',
  required: ['location', 'levels'],
  // An answer cannot be refused, and one absurd count must not hide the others: the mapping drops it.
  properties: {
    location: nonEmptyString,
    levels: levelsSchema({ type: 'integer' }),
    locations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['location', 'levels'],
        properties: { location: nonEmptyString, levels: levelsSchema({ type: 'integer' }) },
      },
    },
  },
});

export interface ThreePlLocationPayload {
  id: string;
  name: string;
  country_code: string;
  province: string | null;
  zip: string | null;
  latitude: number | null;
  longitude: number | null;
}

const nullableNumber = { type: ['number', 'null'] } as const;

export const locationsResponse = definePayload<{ locations: ThreePlLocationPayload[] }>('response', {
  type: 'object',
  required: ['locations'],
  properties: {
    locations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'country_code'],
        properties: {
          id: nonEmptyString,
          name: { type: 'string' },
          country_code: { type: 'string', pattern: '^[A-Z]{2}$' },
          province: nullableString,
          zip: nullableString,
          latitude: { ...nullableNumber, minimum: -90, maximum: 90 },
          longitude: { ...nullableNumber, minimum: -180, maximum: 180 },
        },
      },
    },
  },
});

export const errorResponse = definePayload<ThreePlErrorPayload>('error response', {
  type: 'object',
  required: ['error'],
  properties: {
    error: { type: 'string' },
    order_id: { type: 'string' },
    skus: { type: 'array', items: { type: 'string' } },
    reason: { type: 'string' },
  },
});
