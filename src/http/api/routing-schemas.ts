import { Type } from 'typebox';
import { DateTime, JsonObject, Nullable, NullableInteger, NullableString, Uuid } from './schema-kit.ts';

/**
 * The routing API's shapes. The rule format itself is validated by the engine's own validator
 * (`validateRuleSet`, ajv, errors by JSON pointer), not by fastify: the request schema only says it
 * is a JSON object, so a bad rule is answered with every field that is wrong, by path.
 */
const ruleFormat =
  'A routing rule set: `{ timeZone?, rules: [{ id, name?, enabled?, when?, lines?, action }], costs? }`; see the README, "Routing rules".';

export const ruleSetDefinitionBody = Type.Record(Type.String(), Type.Unknown(), { description: ruleFormat });

export const merchantParams = Type.Object({ merchantId: Uuid });
export const versionParams = Type.Object({ merchantId: Uuid, version: Type.Integer({ minimum: 1 }) });

export const storedRuleSetSchema = Type.Object({
  merchantId: Type.String(),
  version: Type.Integer({ minimum: 1 }),
  definition: JsonObject,
  createdAt: DateTime,
  createdBy: NullableString,
});

export const liveRuleSetSchema = Type.Object({
  ruleSet: Nullable(storedRuleSetSchema, {
    description: 'The live (highest) version, or null: no rules, the default behaviour routes every order',
  }),
});

/** A 400 for a rule set: every problem, each with its JSON pointer into the request body. */
export const invalidRulesSchema = Type.Object({
  error: Type.String(),
  message: Type.String(),
  errors: Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
});

export const simulateBody = Type.Object(
  {
    merchantId: Uuid,
    rules: ruleSetDefinitionBody,
    from: Type.Optional(DateTime),
    to: Type.Optional(DateTime),
    consumeStock: Type.Optional(
      Type.Boolean({
        description:
          'true (default): orders consume the stock in placed order; false: every order sees today’s stock',
      }),
    ),
  },
  { additionalProperties: false },
);

const count = Type.Integer({ minimum: 0 });

const summarySchema = Type.Object({
  outcomes: Type.Record(Type.String(), count, { description: 'orders per plan outcome' }),
  splitOrders: count,
  shipments: count,
  byLocation: Type.Record(Type.String(), Type.Object({ orders: count, units: count })),
  holdsByReason: Type.Record(Type.String(), count),
  unfillableOrders: count,
  unfillableUnits: count,
});

const briefSchema = Type.Object({
  outcome: Type.String(),
  locationIds: Type.Array(Type.String()),
  holdReasons: Type.Array(Type.String()),
  unfillableUnits: count,
});

export const simulationReportSchema = Type.Object({
  from: DateTime,
  to: DateTime,
  liveVersion: NullableInteger,
  orderCount: count,
  truncated: Type.Boolean({
    description: 'more orders than the limit were in the range; the oldest were simulated',
  }),
  stockConsumption: Type.Enum(['sequential', 'none'] as const),
  candidate: summarySchema,
  live: summarySchema,
  changed: Type.Array(
    Type.Object({ orderId: Type.String(), placedAt: DateTime, live: briefSchema, candidate: briefSchema }),
    { description: 'orders whose locations, holds or outcome differ from the live rules' },
  ),
});
