/**
 * The canonical order: what every storefront's order becomes inside the hub. Each shape is declared
 * once, as a TypeBox schema: the schema is what the hub validates a connector's events with (ajv,
 * `src/sdk/canonical-schema.ts`), and `Static<>` of it is the TypeScript type, so the two cannot
 * drift. Ranges come from LIMITS (what the database stores).
 */
import Type, { type Static } from 'typebox';
import { integerIn, KEY_LENGTH, KeySchema } from './limits.ts';

/**
 * A string or null. Written as one JSON Schema type list rather than a union, so a refusal reads
 * "must be string,null" instead of listing every branch of an anyOf.
 */
export function nullableString(options: { maxLength?: number } = {}) {
  return Type.Unsafe<string | null>({ type: ['string', 'null'], ...options });
}

/** An instant both JavaScript and PostgreSQL read the same way (the `instant` format: `isInstant`). */
export const InstantSchema = Type.String({ format: 'instant' });

/** A storefront's product or variant id, as the exact text it sends (never a lossy number). */
const StorefrontIdSchema = Type.Union([Type.Null(), KeySchema]);

export const AddressSchema = Type.Object({
  name: Type.String(),
  company: Type.Optional(nullableString()),
  address1: Type.String(),
  address2: Type.Optional(nullableString()),
  city: Type.String(),
  province: Type.Optional(nullableString()),
  postalCode: Type.Optional(nullableString()),
  countryCode: Type.String({ pattern: '^[A-Z]{2}$' }),
  phone: Type.Optional(nullableString()),
});
export type Address = Static<typeof AddressSchema>;

export const OrderLineInputSchema = Type.Object({
  sourceLineId: KeySchema,
  sku: Type.Union([Type.Null(), KeySchema]),
  name: Type.String(),
  quantity: integerIn('quantity'),
  unitPriceMinor: integerIn('minor'),
  /** Gift cards, digital goods and services are not sent to a 3PL. */
  requiresShipping: Type.Boolean(),
  /**
   * The storefront's product and variant ids, as exact strings: the merchant's SKU map can name a
   * line by them when it has no SKU (a hand-made card, a gift wrap). Null or absent when unknown.
   */
  sourceProductId: Type.Optional(StorefrontIdSchema),
  sourceVariantId: Type.Optional(StorefrontIdSchema),
});
export type OrderLineInput = Static<typeof OrderLineInputSchema>;

/** An order as a storefront connector maps it; the hub adds ids and state. */
export const OrderInputSchema = Type.Object({
  sourceOrderId: KeySchema,
  sourceOrderName: Type.String(),
  /** The storefront's own modification time; a change older than the stored one is ignored. */
  sourceUpdatedAt: InstantSchema,
  placedAt: InstantSchema,
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  totalMinor: integerIn('minor'),
  email: nullableString({ maxLength: 320 }),
  shippingAddress: Type.Union([Type.Null(), AddressSchema]),
  shippingMethod: nullableString(),
  lines: Type.Array(OrderLineInputSchema),
  tags: Type.Array(Type.String()),
  note: nullableString(),
  test: Type.Boolean(),
  /** Whether the storefront considers the order paid and ready to ship. */
  readyToFulfill: Type.Boolean(),
  cancelled: Type.Boolean(),
  /**
   * Opaque to the hub: what the connector needs later about this order (Shopify's fulfillment order
   * and line item ids). Handed back on writeTracking, answerRouting and answerCancellation.
   */
  sourceData: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
export type OrderInput = Static<typeof OrderInputSchema>;

export const TrackingSchema = Type.Object({
  carrier: nullableString(),
  number: Type.String({ minLength: 1 }),
  url: nullableString(),
});
export type Tracking = Static<typeof TrackingSchema>;

export const StockLevelSchema = Type.Object({
  sku: KeySchema,
  location: Type.String({ maxLength: KEY_LENGTH }),
  available: integerIn('stock'),
});
export type StockLevel = Static<typeof StockLevelSchema>;
