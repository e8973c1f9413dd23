import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { CanonicalEvent } from './contracts.ts';

/**
 * The canonical events as JSON Schema: what every connector's mapping must produce. The hub checks
 * each event against it before applying, so a connector's mapping bug parks a delivery with a clear
 * message instead of writing a half-right order.
 */
const nullableString = { type: ['string', 'null'] } as const;
const isoDate = { type: 'string', format: 'date-time' } as const;
/** A storefront's product or variant id, as the exact text it sends (never a lossy number). */
const storefrontId = { anyOf: [{ type: 'null' }, { type: 'string', minLength: 1, maxLength: 255 }] } as const;

const address = {
  type: 'object',
  required: ['name', 'address1', 'city', 'countryCode'],
  properties: {
    name: { type: 'string' },
    company: nullableString,
    address1: { type: 'string' },
    address2: nullableString,
    city: { type: 'string' },
    province: nullableString,
    postalCode: nullableString,
    countryCode: { type: 'string', pattern: '^[A-Z]{2}$' },
    phone: nullableString,
  },
} as const;

const orderInput = {
  type: 'object',
  required: [
    'sourceOrderId',
    'sourceOrderName',
    'sourceUpdatedAt',
    'placedAt',
    'currency',
    'totalMinor',
    'email',
    'shippingAddress',
    'shippingMethod',
    'lines',
    'tags',
    'note',
    'test',
    'readyToFulfill',
    'cancelled',
  ],
  properties: {
    sourceOrderId: { type: 'string', minLength: 1 },
    sourceOrderName: { type: 'string' },
    sourceUpdatedAt: isoDate,
    placedAt: isoDate,
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    totalMinor: { type: 'integer' },
    email: nullableString,
    shippingAddress: { anyOf: [{ type: 'null' }, address] },
    shippingMethod: nullableString,
    lines: {
      type: 'array',
      items: {
        type: 'object',
        required: ['sourceLineId', 'sku', 'name', 'quantity', 'unitPriceMinor', 'requiresShipping'],
        properties: {
          sourceLineId: { type: 'string', minLength: 1 },
          sku: { anyOf: [{ type: 'null' }, { type: 'string', minLength: 1 }] },
          name: { type: 'string' },
          quantity: { type: 'integer', minimum: 0 },
          unitPriceMinor: { type: 'integer' },
          requiresShipping: { type: 'boolean' },
          sourceProductId: storefrontId,
          sourceVariantId: storefrontId,
        },
      },
    },
    tags: { type: 'array', items: { type: 'string' } },
    note: nullableString,
    test: { type: 'boolean' },
    readyToFulfill: { type: 'boolean' },
    cancelled: { type: 'boolean' },
    sourceData: { type: 'object' },
  },
} as const;

const customer = {
  type: 'object',
  required: ['email', 'sourceCustomerId', 'sourceOrderIds'],
  properties: {
    email: nullableString,
    sourceCustomerId: nullableString,
    sourceOrderIds: { type: 'array', items: { type: 'string' } },
  },
} as const;

const variant = (type: string, required: string[], properties: Record<string, unknown>) => ({
  type: 'object',
  required: ['type', ...required],
  properties: { type: { const: type }, ...properties },
});

export const canonicalEventSchema = {
  oneOf: [
    variant('order.upserted', ['order'], { order: orderInput }),
    variant('order.cancelled', ['sourceOrderId', 'sourceUpdatedAt'], {
      sourceOrderId: { type: 'string', minLength: 1 },
      sourceUpdatedAt: isoDate,
      requested: { type: 'boolean' },
    }),
    variant('shipment.updated', ['reference', 'externalId', 'status', 'tracking', 'reason', 'occurredAt'], {
      reference: { type: 'string' },
      externalId: { type: 'string', minLength: 1 },
      status: { enum: ['accepted', 'shipped', 'delivered', 'exception', 'cancelled'] },
      tracking: {
        anyOf: [
          { type: 'null' },
          {
            type: 'object',
            required: ['carrier', 'number', 'url'],
            properties: {
              carrier: nullableString,
              number: { type: 'string', minLength: 1 },
              url: nullableString,
            },
          },
        ],
      },
      reason: nullableString,
      occurredAt: isoDate,
    }),
    variant('stock.changed', ['levels', 'occurredAt'], {
      levels: {
        type: 'array',
        items: {
          type: 'object',
          required: ['sku', 'location', 'available'],
          properties: {
            sku: { type: 'string', minLength: 1 },
            location: { type: 'string' },
            available: { type: 'integer' },
          },
        },
      },
      occurredAt: isoDate,
    }),
    variant('storefront.stock_changed', ['levels', 'occurredAt'], {
      levels: {
        type: 'array',
        items: {
          type: 'object',
          required: ['sku', 'available'],
          properties: { sku: { type: 'string', minLength: 1 }, available: { type: 'integer' } },
        },
      },
      occurredAt: isoDate,
    }),
    variant('connection.uninstalled', ['occurredAt'], { occurredAt: isoDate }),
    variant('customer.redact', ['customer', 'requestId'], { customer, requestId: nullableString }),
    variant('customer.data_request', ['customer', 'requestId'], { customer, requestId: nullableString }),
    variant('account.redact', ['requestId'], { requestId: nullableString }),
  ],
} as const;

const ajv = new Ajv({ allErrors: false, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(canonicalEventSchema);

/** Null when the event is well-formed; otherwise what is wrong with it, for a person to read. */
export function canonicalEventProblem(event: unknown): string | null {
  if (validate(event)) return null;
  const type = (event as { type?: unknown })?.type;
  return `${String(type ?? 'event')}: ${ajv.errorsText(validate.errors, { dataVar: 'event' })}`;
}

export function isCanonicalEvent(event: unknown): event is CanonicalEvent {
  return validate(event);
}
