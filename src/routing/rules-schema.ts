/**
 * The routing rule format a merchant writes, declared once with TypeBox: the same declaration is
 * the JSON Schema ajv validates (see validate-rule-set.ts), the OpenAPI schema the admin API will
 * publish, and the TypeScript types the engine reads.
 *
 * Every tagged union (conditions, actions) is a list of objects with a constant `type`, so the
 * validator can turn it into a discriminated `oneOf` and name the one field that is wrong instead
 * of listing every branch's complaints.
 */
import Type, { type Static } from 'typebox';
import { CostRowSchema, ExcludeActionSchema, HoldActionSchema, RouteActionSchema } from './action-schemas.ts';
import { lineConditionMembers, orderConditionMembers } from './condition-schemas.ts';
import { Text } from './rule-primitives.ts';

export {
  HOLD_REASONS,
  type HoldReason,
  STRATEGIES,
  type Strategy,
  WEEKDAYS,
  type Weekday,
} from './rule-primitives.ts';

export const RuleSetSchema = Type.Cyclic(
  {
    LineCondition: Type.Union([
      ...lineConditionMembers,
      Type.Object(
        {
          type: Type.Literal('all'),
          of: Type.Array(Type.Ref('LineCondition'), { minItems: 1, maxItems: 100 }),
        },
        { additionalProperties: false },
      ),
      Type.Object(
        {
          type: Type.Literal('any'),
          of: Type.Array(Type.Ref('LineCondition'), { minItems: 1, maxItems: 100 }),
        },
        { additionalProperties: false },
      ),
      Type.Object(
        { type: Type.Literal('not'), condition: Type.Ref('LineCondition') },
        { additionalProperties: false },
      ),
    ]),
    Condition: Type.Union([
      ...lineConditionMembers,
      ...orderConditionMembers,
      Type.Object(
        { type: Type.Literal('all'), of: Type.Array(Type.Ref('Condition'), { minItems: 1, maxItems: 100 }) },
        { additionalProperties: false },
      ),
      Type.Object(
        { type: Type.Literal('any'), of: Type.Array(Type.Ref('Condition'), { minItems: 1, maxItems: 100 }) },
        { additionalProperties: false },
      ),
      Type.Object(
        { type: Type.Literal('not'), condition: Type.Ref('Condition') },
        { additionalProperties: false },
      ),
    ]),
    Rule: Type.Object(
      {
        id: Type.String({
          pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$',
          description: 'unique in the rule set',
        }),
        name: Type.Optional(Text()),
        enabled: Type.Optional(Type.Boolean({ description: 'default true' })),
        when: Type.Optional(Type.Ref('Condition')),
        lines: Type.Optional(Type.Ref('LineCondition')),
        action: Type.Union([RouteActionSchema, HoldActionSchema, ExcludeActionSchema]),
      },
      { additionalProperties: false },
    ),
    RuleSetDefinition: Type.Object(
      {
        timeZone: Type.Optional(
          Type.String({ format: 'iana-time-zone', description: "the merchant's time zone; default UTC" }),
        ),
        rules: Type.Array(Type.Ref('Rule'), { maxItems: 200 }),
        costs: Type.Optional(
          Type.Object(
            {
              currency: Type.String({ pattern: '^[A-Z]{3}$' }),
              rows: Type.Array(CostRowSchema, { maxItems: 1000 }),
            },
            {
              additionalProperties: false,
              description:
                'per-location shipping costs for the cheapest strategy; the first matching row counts',
            },
          ),
        ),
      },
      { additionalProperties: false },
    ),
  },
  'RuleSetDefinition',
);

/** What a merchant writes (the body of a rules change). */
export type RuleSetDefinition = Static<typeof RuleSetSchema>;
export type Rule = RuleSetDefinition['rules'][number];
export type Action = Rule['action'];
export type RouteAction = Extract<Action, { type: 'route' }>;
export type HoldAction = Extract<Action, { type: 'hold' }>;
export type ExcludeAction = Extract<Action, { type: 'exclude' }>;
export type Condition = NonNullable<Rule['when']>;
export type LineCondition = NonNullable<Rule['lines']>;
export type CostTable = NonNullable<RuleSetDefinition['costs']>;

/** A stored rule set: the definition and the version the store gave it. Orders record the version. */
export interface RuleSet {
  version: number;
  definition: RuleSetDefinition;
}
