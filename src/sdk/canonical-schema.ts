import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { isInstant, isStorableText, LIMITS } from './payload.ts';

/**
 * The canonical events as JSON Schema: what every connector's mapping must produce. The hub checks
 * each event against it before applying, so a connector's mapping bug parks a delivery with a clear
 * message instead of writing a half-right order. Its ranges are the database's (LIMITS): whatever
 * passes here, the database stores.
 */
const nullableString = { type: ['string', 'null'] } as const;
const isoDate = { type: 'string', format: 'instant' } as const;
/**
 * Values that end up in a btree index (unique keys, the email lookup): PostgreSQL refuses an index
 * row over 2,704 bytes, so these are bounded well below it even at 4 bytes a character.
 */
const KEY_LENGTH = 255;
const key = { type: 'string', minLength: 1, maxLength: KEY_LENGTH } as const;
const nullableEmail = { type: ['string', 'null'], maxLength: 320 } as const;
const integerIn = (limit: keyof typeof LIMITS) =>
  ({ type: 'integer', minimum: LIMITS[limit].min, maximum: LIMITS[limit].max }) as const;
/** A storefront's product or variant id, as the exact text it sends (never a lossy number). */
const storefrontId = { anyOf: [{ type: 'null' }, key] } as const;

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
    sourceOrderId: key,
    sourceOrderName: { type: 'string' },
    sourceUpdatedAt: isoDate,
    placedAt: isoDate,
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    totalMinor: integerIn('minor'),
    email: nullableEmail,
    shippingAddress: { anyOf: [{ type: 'null' }, address] },
    shippingMethod: nullableString,
    lines: {
      type: 'array',
      items: {
        type: 'object',
        required: ['sourceLineId', 'sku', 'name', 'quantity', 'unitPriceMinor', 'requiresShipping'],
        properties: {
          sourceLineId: key,
          sku: { anyOf: [{ type: 'null' }, key] },
          name: { type: 'string' },
          quantity: integerIn('quantity'),
          unitPriceMinor: integerIn('minor'),
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
      sourceOrderId: key,
      sourceUpdatedAt: isoDate,
      requested: { type: 'boolean' },
    }),
    variant('order.invalid', ['sourceOrderId', 'sourceOrderName', 'sourceUpdatedAt', 'problem'], {
      sourceOrderId: key,
      sourceOrderName: nullableString,
      sourceUpdatedAt: { anyOf: [isoDate, { type: 'null' }] },
      problem: { type: 'string', minLength: 1, maxLength: 2000 },
    }),
    variant('shipment.updated', ['reference', 'externalId', 'status', 'tracking', 'reason', 'occurredAt'], {
      reference: { type: 'string', maxLength: KEY_LENGTH },
      externalId: key,
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
            sku: key,
            location: { type: 'string', maxLength: KEY_LENGTH },
            available: integerIn('stock'),
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
          properties: { sku: key, available: integerIn('stock') },
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
ajv.addFormat('instant', { type: 'string', validate: isInstant });
// One validator per event type: checked against its own variant, an event's problem reads as the
// one field that is wrong, not as every variant of the union it failed to be.
const validators = new Map(
  canonicalEventSchema.oneOf.map((schema) => [schema.properties.type.const, ajv.compile(schema)] as const),
);

/** Null when the event is well-formed; otherwise what is wrong with it, for a person to read. */
export function canonicalEventProblem(event: unknown): string | null {
  const type = (event as { type?: unknown } | null)?.type;
  const validate = typeof type === 'string' ? validators.get(type) : undefined;
  if (!validate) return `not a canonical event type: ${JSON.stringify(type ?? null)}`;
  if (!validate(event)) {
    return `${type}: ${ajv.errorsText(validate.errors, { dataVar: 'event' })}`;
  }
  const repeated =
    type === 'order.upserted'
      ? repeatedLineId(event as { order: { lines: { sourceLineId: string }[] } })
      : null;
  if (repeated !== null)
    return `${type}: event/order/lines has the line id ${JSON.stringify(repeated)} twice`;
  const unstorable = unstorableText(event, 'event');
  return unstorable ? `${String(type)}: ${unstorable}` : null;
}

/** Lines are stored one row per line id: a repeated id is refused by a unique key, and retried. */
function repeatedLineId(event: { order: { lines: { sourceLineId: string }[] } }): string | null {
  const seen = new Set<string>();
  for (const { sourceLineId } of event.order.lines) {
    if (seen.has(sourceLineId)) return sourceLineId.slice(0, 40);
    seen.add(sourceLineId);
  }
  return null;
}

/**
 * PostgreSQL stores no NUL character (in text or jsonb), and jsonb refuses a lone UTF-16
 * surrogate: any string anywhere in an event, the opaque `sourceData` included, must be free of both.
 */
function unstorableText(value: unknown, path: string): string | null {
  if (typeof value === 'string') {
    return isStorableText(value) ? null : `${path} holds a NUL character or a broken surrogate pair`;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = unstorableText(item, `${path}/${index}`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [name, item] of Object.entries(value)) {
      const found = unstorableText(name, `${path}/${name}`) ?? unstorableText(item, `${path}/${name}`);
      if (found) return found;
    }
  }
  return null;
}
