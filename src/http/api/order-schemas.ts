import { Type } from 'typebox';
import { ORDER_STATES, SHIPMENT_STATES } from '../../domain/order-state.ts';
import type { RetryAction } from '../../pipeline/route/retry-order.ts';
import { HOLD_REASONS } from '../../routing/rule-primitives.ts';
import { errorSchema } from '../errors.ts';
import {
  DateTime,
  JsonObject,
  Nullable,
  NullableDateTime,
  NullableInteger,
  NullableString,
} from './schema-kit.ts';

/** The shapes of the order routes: each is both the JSON Schema and, through the type provider, the type. */

export const orderSummary = Type.Object({
  id: Type.String(),
  merchantId: Type.String(),
  storefrontConnectionId: Type.String(),
  sourceOrderId: Type.String(),
  name: Type.String(),
  status: Type.Enum(ORDER_STATES),
  statusReason: NullableString,
  heldLines: Type.Integer({
    description: 'Lines waiting to be identified: with the whole order on hold, or as a held part',
  }),
  cancelled: Type.Boolean(),
  currency: Type.String(),
  totalMinor: Type.Integer(),
  test: Type.Boolean(),
  placedAt: DateTime,
  createdAt: DateTime,
  updatedAt: DateTime,
});

const skuQuantity = Type.Object({ sku: Type.String(), quantity: Type.Integer() });

const parcelSchema = Type.Object(
  {
    id: Type.String(),
    externalId: Type.String({ description: 'The 3PL’s id of the package (a ShipBob shipment id)' }),
    status: Type.Enum(['accepted', 'shipped', 'delivered', 'exception', 'cancelled'] as const),
    statusReason: NullableString,
    location: NullableString,
    tracking: Nullable(Type.Object({ carrier: NullableString, number: Type.String(), url: NullableString })),
    trackingWrittenBack: Type.Boolean({
      description: 'The storefront holds a fulfillment for this package with its current tracking number',
    }),
    lines: Nullable(Type.Array(skuQuantity), {
      description: 'What the package holds by the 3PL’s SKU, as the 3PL said; null when it did not say',
    }),
    writtenLines: Nullable(
      Type.Array(Type.Object({ sourceLineId: Type.String(), sku: Type.String(), quantity: Type.Integer() })),
      {
        description:
          'The storefront lines the package was written back with; empty when the packages written before it already carried every line it could hold (then it is not written); null while not written',
      },
    ),
    updatedAt: DateTime,
  },
  { description: 'One package the 3PL shipped the shipment in, each written back as its own fulfillment' },
);

const shipmentSchema = Type.Object({
  id: Type.String(),
  fulfillmentConnectionId: Type.String(),
  location: Nullable(Type.String({ description: "The 3PL's key of the warehouse routing sent it to" })),
  status: Type.Enum(SHIPMENT_STATES),
  statusReason: NullableString,
  externalId: NullableString,
  tracking: Nullable(Type.Object({ carrier: NullableString, number: Type.String(), url: NullableString })),
  trackingWrittenBack: Type.Boolean(),
  writebackStuck: Nullable(
    Type.Object(
      {
        code: Type.String(),
        reason: Type.String(),
        deferrals: Type.Integer(),
        since: DateTime,
        lastDeferredAt: DateTime,
        deadLettered: Type.Boolean(),
      },
      {
        description:
          'Set while the storefront keeps deferring the tracking write-back (a throttle, a cost bucket too small): why, how often, since when, and whether it was dead-lettered (retry the order to write it again)',
      },
    ),
  ),
  shippedAt: NullableDateTime,
  lines: Type.Array(skuQuantity),
  parcels: Type.Array(parcelSchema, {
    description:
      'The packages the 3PL shipped the shipment in, when it names them (ShipBob: one per ShipBob shipment, from several fulfillment centres); empty otherwise',
  }),
});

const failedDeliverySchema = Type.Object({
  id: Type.String(),
  connectionId: NullableString,
  connector: Type.String(),
  source: Type.String(),
  topic: NullableString,
  status: Type.Enum(['failed', 'dead'] as const),
  attempts: Type.Integer(),
  lastError: NullableString,
  receivedAt: DateTime,
});

const lineSchema = Type.Object({
  id: Type.String(),
  sourceLineId: Type.String(),
  sku: NullableString,
  name: Type.String(),
  quantity: Type.Integer(),
  unitPriceMinor: Type.Integer(),
  requiresShipping: Type.Boolean(),
  sourceProductId: NullableString,
  sourceVariantId: NullableString,
  disposition: Nullable(Type.Enum(['held', 'skipped', 'excluded', 'do_not_ship'] as const), {
    description: 'Why the line is in no shipment: held, skipped, excluded, do_not_ship; null otherwise',
  }),
  dispositionDetail: Nullable(JsonObject),
});

export const orderDetail = Type.Object({
  ...orderSummary.properties,
  statusDetail: Nullable(JsonObject),
  email: NullableString,
  shippingMethod: NullableString,
  shippingAddress: Nullable(JsonObject),
  tags: Type.Array(Type.String()),
  note: NullableString,
  lines: Type.Array(lineSchema),
  heldPart: Nullable(
    Type.Object(
      {
        lineIds: Type.Array(Type.String()),
        messages: Type.Array(Type.String()),
        actions: Type.Array(JsonObject),
      },
      { description: 'Lines that wait, as a pending part, while the rest of the order ships' },
    ),
  ),
  shipments: Type.Array(shipmentSchema),
  failedDeliveries: Type.Array(failedDeliverySchema, {
    description:
      'Deliveries about this order (from its storefront) or its shipments (from its 3PLs) that failed or dead-lettered: replay them with POST /api/deliveries/:id/replay',
  }),
  timeline: Type.Array(Type.Object({ type: Type.String(), at: DateTime, detail: JsonObject })),
  routingDecisions: Type.Array(
    Type.Object({
      ruleSetVersion: NullableInteger,
      at: DateTime,
      decision: JsonObject,
    }),
    {
      description:
        'Every routing decision for this order, oldest first: the rule set version, the rules that matched, the candidates with their stock and scores, and the plan',
    },
  ),
});

/** Every action a retry may take (checked against the pipeline's own list below). */
const RETRY_ACTIONS = [
  'route_again',
  'route',
  'submit',
  'cancel',
  'answer_cancellation',
  'release_event',
  'write_tracking',
] as const satisfies readonly RetryAction[];
// Fails to compile when the pipeline gains an action this schema does not list.
type Covered<Missing extends never> = Missing;
export type EveryRetryActionListed = Covered<Exclude<RetryAction, (typeof RETRY_ACTIONS)[number]>>;

export const retryAnswer = Type.Object({
  orderId: Type.String(),
  outcome: Type.Enum(['queued', 'already_queued'] as const),
  action: Nullable(Type.Enum(RETRY_ACTIONS)),
  status: Type.String({ description: 'The order’s status when asked' }),
  message: Type.String(),
});

export const retryRefusal = Type.Object({ ...errorSchema.properties, status: Type.String() });

export const releaseWithoutLinesBody = Type.Object(
  { excludeUnidentifiedLines: Type.Literal(true) },
  { additionalProperties: false },
);

export const releaseHoldBody = Type.Object(
  {
    holdId: Type.Optional(
      Type.String({ format: 'uuid', description: 'Only this hold; omitted: every active hold' }),
    ),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const releaseBody = Type.Union([releaseWithoutLinesBody, releaseHoldBody]);

export const holdView = Type.Object({
  holdId: Type.String(),
  ruleId: NullableString,
  reason: Type.String(),
  note: NullableString,
  scope: Type.Enum(['order', 'lines'] as const),
  lineIds: Type.Array(Type.String()),
  until: NullableString,
  createdBy: Type.String(),
  createdAt: Type.String(),
  releasedAt: NullableString,
  releasedBy: NullableString,
  releaseNote: NullableString,
});

export const holdBody = Type.Object(
  {
    reason: Type.Enum(HOLD_REASONS),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    durationMinutes: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 60 * 24 * 90, description: 'Omitted: until someone releases it' }),
    ),
  },
  { additionalProperties: false },
);

export const holdAnswer = Type.Object({ orderId: Type.String(), status: Type.String(), hold: holdView });

export const releaseHoldAnswer = Type.Object({
  orderId: Type.String(),
  outcome: Type.Literal('hold_released'),
  holds: Type.Array(holdView),
});

export const releaseLinesAnswer = Type.Object({
  orderId: Type.String(),
  outcome: Type.Enum(['queued', 'released'] as const, {
    description: 'queued: routed again shortly without the lines; released: the held part is closed',
  }),
  status: Type.String(),
  excludedLines: Type.Array(
    Type.Object({ id: Type.String(), sourceLineId: Type.String(), name: Type.String(), sku: NullableString }),
  ),
});

export const releaseAnswer = Type.Union([releaseLinesAnswer, releaseHoldAnswer]);
