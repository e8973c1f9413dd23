/**
 * Everything a connector reports, in canonical terms: each event declared once, as a TypeBox
 * schema. The schema is what the hub checks every event against before applying it
 * (`canonicalEventProblem`), and `Static<>` of it is the `CanonicalEvent` type connectors build,
 * so the check and the type cannot drift. Ranges are the database's (LIMITS).
 */
import Type, { type Static } from 'typebox';
import { integerIn, KEY_LENGTH, KeySchema } from '../domain/limits.ts';
import {
  InstantSchema,
  nullableString,
  OrderInputSchema,
  StockLevelSchema,
  TrackingSchema,
} from '../domain/order.ts';

const SHIPMENT_EVENT_STATUSES = ['accepted', 'shipped', 'delivered', 'exception', 'cancelled'] as const;
/** One JSON Schema `enum`, so a refusal names the allowed values in one message. */
export const ShipmentEventStatusSchema = Type.Unsafe<(typeof SHIPMENT_EVENT_STATUSES)[number]>({
  enum: [...SHIPMENT_EVENT_STATUSES],
});
export type ShipmentEventStatus = Static<typeof ShipmentEventStatusSchema>;

/** Who a privacy request is about. */
export const CustomerRefSchema = Type.Object({
  email: nullableString(),
  sourceCustomerId: nullableString(),
  /** Orders the platform names in the request. */
  sourceOrderIds: Type.Array(Type.String()),
});
export type CustomerRef = Static<typeof CustomerRefSchema>;

const NullableTracking = Type.Union([Type.Null(), TrackingSchema]);

const OrderUpserted = Type.Object({ type: Type.Literal('order.upserted'), order: OrderInputSchema });

const OrderCancelled = Type.Object({
  type: Type.Literal('order.cancelled'),
  sourceOrderId: KeySchema,
  sourceUpdatedAt: InstantSchema,
  /**
   * True when the storefront asks rather than tells (Shopify's cancellation request): the hub
   * answers through `answerCancellation` once the 3PL has said whether it can still cancel.
   */
  requested: Type.Optional(Type.Boolean()),
});

/**
 * The storefront holds this version of an order but it cannot be taken (a quantity or amount
 * beyond what the hub can hold), and the platform cannot be refused (it was read by a poll or
 * re-read in toEvents): the hub holds the order with the problem, for a person to correct it at
 * the storefront; its next valid version releases it.
 */
const OrderInvalid = Type.Object({
  type: Type.Literal('order.invalid'),
  sourceOrderId: KeySchema,
  sourceOrderName: nullableString(),
  /** Null when the version itself is what could not be read. */
  sourceUpdatedAt: Type.Union([InstantSchema, Type.Null()]),
  problem: Type.String({ minLength: 1, maxLength: 2000 }),
});

/** What one package holds, by the 3PL's SKU (the SKU the hub submitted the shipment's lines with). */
const ParcelLine = Type.Object({ sku: KeySchema, quantity: integerIn('quantity') });

/** One package of a shipment, as the 3PL shipped it: the hub stores and writes back each on its own. */
const Parcel = Type.Object({
  /** The 3PL's id of the package: the key of the hub's parcel within the shipment. */
  externalId: KeySchema,
  status: ShipmentEventStatusSchema,
  tracking: NullableTracking,
  location: nullableString(),
  reason: nullableString(),
  /**
   * What the package holds, when the 3PL says. Without it the hub gives the package the
   * shipment's lines no written parcel (and no other parcel that says what it holds) covers.
   */
  lines: Type.Optional(Type.Array(ParcelLine)),
});

const ShipmentUpdated = Type.Object({
  type: Type.Literal('shipment.updated'),
  /**
   * Our shipment id, which we gave the 3PL as its reference: the hub matches the event by it.
   * Empty when the 3PL sends only its own id; then the hub goes by the id it bound.
   */
  reference: Type.String({ maxLength: KEY_LENGTH }),
  externalId: KeySchema,
  status: ShipmentEventStatusSchema,
  tracking: NullableTracking,
  reason: nullableString(),
  occurredAt: InstantSchema,
  /**
   * When the 3PL ships one submission in several parcels (ShipBob splits an order into
   * shipments, possibly from several warehouses), each of them; `status` and `tracking` above
   * summarise them. The hub stores each parcel (forward-only by `occurredAt`, on its own) and
   * writes each parcel's tracking back to the storefront as its own fulfillment. Optional: a
   * shipment reported without parcels is written back as one fulfillment, as before.
   */
  parcels: Type.Optional(Type.Array(Parcel)),
});

const StockChanged = Type.Object({
  type: Type.Literal('stock.changed'),
  levels: Type.Array(StockLevelSchema),
  occurredAt: InstantSchema,
});

/** A storefront's own stock changed (an admin edit, or the echo of our write): the 3PL stays the truth. */
const StorefrontStockChanged = Type.Object({
  type: Type.Literal('storefront.stock_changed'),
  levels: Type.Array(Type.Object({ sku: KeySchema, available: integerIn('stock') })),
  occurredAt: InstantSchema,
});

/** The merchant removed the app: stop everything for this connection. */
const ConnectionUninstalled = Type.Object({
  type: Type.Literal('connection.uninstalled'),
  occurredAt: InstantSchema,
});

/** Erase this customer's personal data (GDPR and the like). */
const CustomerRedact = Type.Object({
  type: Type.Literal('customer.redact'),
  customer: CustomerRefSchema,
  requestId: nullableString(),
});

/** Report what the hub holds about this customer. */
const CustomerDataRequest = Type.Object({
  type: Type.Literal('customer.data_request'),
  customer: CustomerRefSchema,
  requestId: nullableString(),
});

/** Erase everything the hub holds for this account (Shopify's shop/redact). */
const AccountRedact = Type.Object({ type: Type.Literal('account.redact'), requestId: nullableString() });

/** Each canonical event's schema, by its `type`: the hub checks an event against its own variant. */
export const canonicalEventVariants = {
  'order.upserted': OrderUpserted,
  'order.cancelled': OrderCancelled,
  'order.invalid': OrderInvalid,
  'shipment.updated': ShipmentUpdated,
  'stock.changed': StockChanged,
  'storefront.stock_changed': StorefrontStockChanged,
  'connection.uninstalled': ConnectionUninstalled,
  'customer.redact': CustomerRedact,
  'customer.data_request': CustomerDataRequest,
  'account.redact': AccountRedact,
} as const;

/** The canonical events as one JSON Schema (for documentation and tools). */
export const canonicalEventSchema = Type.Union([
  OrderUpserted,
  OrderCancelled,
  OrderInvalid,
  ShipmentUpdated,
  StockChanged,
  StorefrontStockChanged,
  ConnectionUninstalled,
  CustomerRedact,
  CustomerDataRequest,
  AccountRedact,
]);

/** Everything a connector reports, in canonical terms. */
export type CanonicalEvent = Static<typeof canonicalEventSchema>;

/** The `type` of a canonical event. */
export type CanonicalEventType = CanonicalEvent['type'];

/**
 * Every canonical event type, in the order above.
 *
 * @example
 * if (!CANONICAL_EVENT_TYPES.includes(topic as CanonicalEventType)) throw new MalformedPayloadError(...);
 */
export const CANONICAL_EVENT_TYPES = Object.keys(canonicalEventVariants) as CanonicalEventType[];
