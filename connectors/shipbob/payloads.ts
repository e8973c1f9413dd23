/**
 * The ShipBob shapes the connector reads, each checked before use. Field names are those of
 * ShipBob's 2026-01 OpenAPI reference and its 2026-07 pages (see README "What was confirmed");
 * schemas list only what is read and leave the rest open. Ids are integers at ShipBob; the lossless
 * parser hands over any beyond 2^53 as digits, so both forms are accepted and read with `idOf`.
 * Longer than 300 lines on purpose: one schema and type per shape, kept where they can be compared.
 */
import { definePayload, nullableString } from '../../src/sdk/index.ts';

const id = { type: ['integer', 'string'], pattern: '^[0-9]{1,20}$' } as const;
const optionalString = nullableString;

export type Id = number | string;

/** Ids as the hub stores them (text). */
export function idOf(value: Id): string {
  return String(value);
}

export interface ShipBobTracking {
  carrier?: string | null;
  carrier_service?: string | null;
  tracking_number?: string | null;
  /** The name used by the only published webhook body (`order.shipment.tracking_received`). */
  tracking_id?: string | null;
  tracking_url?: string | null;
}

export interface ShipBobShipment {
  id: Id;
  order_id?: Id;
  reference_id?: string | null;
  status?: string | null;
  status_details?: { name?: string | null; description?: string | null }[] | null;
  tracking?: ShipBobTracking | null;
  location?: { id?: Id; name?: string | null } | null;
  delivery_date?: string | null;
  actual_fulfillment_date?: string | null;
  last_update_at?: string | null;
  last_tracking_update_at?: string | null;
  is_tracking_uploaded?: boolean;
  /** What the shipment holds (`Orders.ShipmentProductViewModel`). */
  products?: ShipBobShipmentProduct[] | null;
}

/**
 * A product in a shipment: `reference_id` is the SKU the hub created the order with. The 2026-01
 * model gives the quantity only per inventory item (`Orders.InventoryViewModel.quantity`); a
 * product-level `quantity` is read too, in case a later version adds it.
 */
export interface ShipBobShipmentProduct {
  id?: Id;
  reference_id?: string | null;
  sku?: string | null;
  name?: string | null;
  quantity?: number | null;
  inventory_items?: { id?: Id; quantity?: number | null }[] | null;
}

export interface ShipBobOrder {
  id: Id;
  /** The channel that created the order: ours, or another integration's. */
  channel?: { id?: Id; name?: string | null } | null;
  reference_id?: string | null;
  status?: string | null;
  created_date?: string | null;
  shipments?: ShipBobShipment[] | null;
}

const tracking = {
  type: ['object', 'null'],
  properties: {
    carrier: optionalString,
    carrier_service: optionalString,
    tracking_number: optionalString,
    tracking_id: optionalString,
    tracking_url: optionalString,
  },
} as const;

const shipment = {
  type: 'object',
  required: ['id'],
  properties: {
    id,
    order_id: id,
    reference_id: optionalString,
    status: optionalString,
    status_details: {
      type: ['array', 'null'],
      items: { type: 'object', properties: { name: optionalString, description: optionalString } },
    },
    tracking,
    location: { type: ['object', 'null'], properties: { id, name: optionalString } },
    delivery_date: optionalString,
    actual_fulfillment_date: optionalString,
    last_update_at: optionalString,
    last_tracking_update_at: optionalString,
    is_tracking_uploaded: { type: 'boolean' },
    products: {
      type: ['array', 'null'],
      items: {
        type: 'object',
        properties: {
          id,
          reference_id: optionalString,
          sku: optionalString,
          name: optionalString,
          quantity: { type: ['integer', 'null'] },
          inventory_items: {
            type: ['array', 'null'],
            items: { type: 'object', properties: { id, quantity: { type: ['integer', 'null'] } } },
          },
        },
      },
    },
  },
} as const;

const order = {
  type: 'object',
  required: ['id'],
  properties: {
    id,
    channel: { type: ['object', 'null'], properties: { id, name: optionalString } },
    reference_id: optionalString,
    status: optionalString,
    created_date: optionalString,
    shipments: { type: ['array', 'null'], items: shipment },
  },
} as const;

export const orderResponse = definePayload<ShipBobOrder>('order', order);
export const orderListResponse = definePayload<ShipBobOrder[]>('orders', { type: 'array', items: order });
export const shipmentResponse = definePayload<ShipBobShipment>('shipment', shipment);

export interface ShipBobChannel {
  id: Id;
  name?: string | null;
  application_name?: string | null;
  scopes?: string[] | null;
}

export const channelPage = definePayload<{ items?: ShipBobChannel[] | null; next?: string | null }>(
  'channels',
  {
    type: 'object',
    properties: {
      items: {
        type: ['array', 'null'],
        items: {
          type: 'object',
          required: ['id'],
          properties: {
            id,
            name: optionalString,
            application_name: optionalString,
            scopes: { type: ['array', 'null'], items: { type: 'string' } },
          },
        },
      },
      next: optionalString,
    },
  },
);

export interface ShipBobSubscription {
  id: Id;
  url?: string | null;
  topics?: string[] | null;
  enabled?: boolean;
}

const subscription = {
  type: 'object',
  required: ['id'],
  properties: {
    id,
    url: optionalString,
    topics: { type: ['array', 'null'], items: { type: 'string' } },
    enabled: { type: 'boolean' },
  },
} as const;

export const subscriptionPage = definePayload<{ items?: ShipBobSubscription[] | null; next?: string | null }>(
  'webhooks',
  {
    type: 'object',
    properties: { items: { type: ['array', 'null'], items: subscription }, next: optionalString },
  },
);

/** Only the create answer carries the secret (the list does not). */
export const createdSubscription = definePayload<ShipBobSubscription & { secret?: string | null }>(
  'webhook',
  { ...subscription, properties: { ...subscription.properties, secret: optionalString } },
);

export interface ShipBobInventoryLevel {
  inventory_id?: Id;
  sku?: string | null;
  name?: string | null;
  locations?: { location_id: Id; name?: string | null; fulfillable_quantity: number }[] | null;
}

export const inventoryPage = definePayload<{ items?: ShipBobInventoryLevel[] | null; next?: string | null }>(
  'inventory levels by location',
  {
    type: 'object',
    properties: {
      items: {
        type: ['array', 'null'],
        items: {
          type: 'object',
          properties: {
            inventory_id: id,
            sku: optionalString,
            name: optionalString,
            locations: {
              type: ['array', 'null'],
              items: {
                type: 'object',
                required: ['location_id', 'fulfillable_quantity'],
                properties: {
                  location_id: id,
                  name: optionalString,
                  fulfillable_quantity: { type: 'integer' },
                },
              },
            },
          },
        },
      },
      next: optionalString,
    },
  },
);

export interface ShipBobFulfillmentCenter {
  id: Id;
  name?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  state?: string | null;
  zip_code?: string | null;
  country?: string | null;
  timezone?: string | null;
  /** Not in ShipBob's 2026-01 model; read if a later version adds them. */
  latitude?: number | null;
  longitude?: number | null;
}

export const fulfillmentCenters = definePayload<ShipBobFulfillmentCenter[]>('fulfillment centers', {
  type: 'array',
  items: {
    type: 'object',
    required: ['id'],
    properties: {
      id,
      name: optionalString,
      address1: optionalString,
      address2: optionalString,
      city: optionalString,
      state: optionalString,
      zip_code: optionalString,
      country: optionalString,
      timezone: optionalString,
      latitude: { type: ['number', 'null'] },
      longitude: { type: ['number', 'null'] },
    },
  },
});

export interface CancelledShipmentResult {
  shipment_id: Id;
  is_success: boolean;
  reason?: string | null;
  action?: string | null;
}

export const cancelOrderResponse = definePayload<{
  order_id?: Id;
  status?: string | null;
  canceled_shipment_results?: CancelledShipmentResult[] | null;
}>('cancelled order', {
  type: 'object',
  properties: {
    order_id: id,
    status: optionalString,
    canceled_shipment_results: {
      type: ['array', 'null'],
      items: {
        type: 'object',
        required: ['shipment_id', 'is_success'],
        properties: {
          shipment_id: id,
          is_success: { type: 'boolean' },
          reason: optionalString,
          action: optionalString,
        },
      },
    },
  },
});

export const trackingUploadResponse = definePayload<{
  results?: { shipmentId?: Id; isSuccess?: boolean; error?: { message?: string | null } | null }[] | null;
  summary?: { failed?: number; successful?: number; total?: number } | null;
}>('tracking upload', { type: 'object' });

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
}

export const tokenResponse = definePayload<TokenResponse>('token', {
  type: 'object',
  required: ['access_token'],
  properties: {
    access_token: { type: 'string', minLength: 16 },
    refresh_token: { type: 'string', minLength: 1 },
    expires_in: { type: 'number', minimum: 1 },
    scope: { type: 'string' },
  },
});

/**
 * A webhook body. ShipBob publishes one body only (`order.shipment.tracking_received`:
 * `{event_time, order_id, reference_id, status, tracking}`); the others are read defensively for the
 * ids the connector needs, whether they come flat, as a shipment or as an order.
 */
export interface WebhookBody {
  event_time?: string | null;
  order_id?: Id;
  shipment_id?: Id;
  id?: Id;
  reference_id?: string | null;
  status?: string | null;
  tracking?: ShipBobTracking | null;
  shipments?: unknown[] | null;
  shipment?: { id?: Id; order_id?: Id; reference_id?: string | null } | null;
  order?: { id?: Id; reference_id?: string | null } | null;
}

export const webhookBody = definePayload<WebhookBody>('ShipBob webhook', {
  type: 'object',
  properties: {
    event_time: optionalString,
    order_id: id,
    shipment_id: id,
    id,
    reference_id: optionalString,
    status: optionalString,
    tracking,
    shipments: { type: ['array', 'null'] },
    shipment: { type: ['object', 'null'], properties: { id, order_id: id, reference_id: optionalString } },
    order: { type: ['object', 'null'], properties: { id, reference_id: optionalString } },
  },
});
