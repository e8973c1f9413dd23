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

const MAX_LIST = 1000;
const Text = (maxLength = 200) => Type.String({ minLength: 1, maxLength });
const TextList = (description: string) =>
  Type.Array(Text(), { minItems: 1, maxItems: MAX_LIST, uniqueItems: true, description });
const Id = Type.String({ minLength: 1, maxLength: 100 });
const IdList = (description: string) =>
  Type.Array(Id, { minItems: 1, maxItems: 100, uniqueItems: true, description });
const CountryCode = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2, upper case' });
const Minor = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const ClockTime = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$',
  description: 'HH:MM, 24-hour clock, local to the time zone',
});

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * Ranking criteria, applied in order, each breaking the ties of the one before (as Shopify's
 * order routing applies its rules). See strategies.ts for how each scores a location.
 */
export const STRATEGIES = ['ship_complete_first', 'closest', 'priority', 'cheapest', 'same_country'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const HOLD_REASONS = ['fraud_review', 'high_value', 'address_check', 'pre_order', 'other'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

// Conditions about one line. At order level they mean "some line still to be routed matches".
const lineConditionMembers = [
  Type.Object(
    { type: Type.Literal('sku'), in: TextList('exact SKUs (the resolved 3PL SKU)') },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('sku_prefix'), prefixes: TextList('SKU prefixes, case-sensitive') },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('product_tag'), in: TextList('product tags, compared case-insensitively') },
    { additionalProperties: false },
  ),
] as const;

// Conditions about the whole order.
const orderConditionMembers = [
  Type.Object(
    { type: Type.Literal('storefront'), connectionIds: IdList('storefront connection ids') },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('destination_country'),
      in: Type.Array(CountryCode, { minItems: 1, maxItems: 300, uniqueItems: true }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('destination_region'),
      country: CountryCode,
      in: TextList('region (state, province) codes as storefronts send them, e.g. "CA"'),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('destination_postal_prefix'),
      country: Type.Optional(CountryCode),
      prefixes: TextList('postal code prefixes; spaces and case are ignored'),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('order_tag'), in: TextList('order tags, compared case-insensitively') },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('customer_tag'), in: TextList('customer tags, compared case-insensitively') },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('shipping_method'),
      in: TextList('shipping method codes or titles, case-insensitive'),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('order_value'),
      currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217; other currencies never match' }),
      atLeastMinor: Type.Optional(Minor),
      belowMinor: Type.Optional(Minor),
    },
    {
      additionalProperties: false,
      description: 'order total in minor units: atLeastMinor ≤ total < belowMinor',
    },
  ),
  Type.Object(
    {
      type: Type.Literal('line_count'),
      of: Type.Optional(Type.Enum(['lines', 'units'], { description: 'shippable lines (default) or units' })),
      min: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
      max: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('time_window'),
      days: Type.Optional(Type.Array(Type.Enum(WEEKDAYS), { minItems: 1, maxItems: 7, uniqueItems: true })),
      hours: Type.Optional(
        Type.Object(
          { from: ClockTime, to: ClockTime },
          {
            additionalProperties: false,
            description: 'from inclusive, to exclusive; from > to spans midnight',
          },
        ),
      ),
      timeZone: Type.Optional(Type.String({ format: 'iana-time-zone' })),
      at: Type.Optional(
        Type.Enum(['placed', 'routed'], {
          description: "the instant tested: when the order was placed (default) or when it is routed ('now')",
        }),
      ),
    },
    { additionalProperties: false },
  ),
] as const;

const RouteAction = Type.Object(
  {
    type: Type.Literal('route'),
    locationIds: Type.Optional(IdList('candidate locations; omitted: every location')),
    connectionIds: Type.Optional(IdList('candidate 3PL connections: their locations are candidates')),
    strategy: Type.Optional(
      Type.Array(Type.Enum(STRATEGIES), {
        minItems: 1,
        maxItems: STRATEGIES.length,
        uniqueItems: true,
        description: 'ranking criteria in order; default ["ship_complete_first", "priority"]',
      }),
    ),
    allowSplit: Type.Optional(
      Type.Boolean({ description: 'may the lines ship from more than one location (default true)' }),
    ),
    ranking: Type.Optional(IdList('location ids, best first, for the priority strategy')),
    safetyStock: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1_000_000,
        description: 'units per SKU kept back at each location, on top of the location’s own',
      }),
    ),
    ifUnfilled: Type.Optional(
      Type.Enum(['next_rule', 'unfillable'], {
        description: 'lines this rule cannot place: try the next rules (default), or park them',
      }),
    ),
  },
  { additionalProperties: false },
);

const HoldAction = Type.Object(
  {
    type: Type.Literal('hold'),
    reason: Type.Enum(HOLD_REASONS),
    note: Type.Optional(Text(500)),
    durationMinutes: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 60 * 24 * 90, description: 'omitted: held until released' }),
    ),
  },
  { additionalProperties: false },
);

const ExcludeAction = Type.Object(
  {
    type: Type.Literal('exclude'),
    locationIds: Type.Optional(IdList('locations later rules and the default may not use for this order')),
    connectionIds: Type.Optional(IdList('3PL connections whose locations are excluded')),
  },
  { additionalProperties: false },
);

const CostRow = Type.Object(
  {
    locationId: Id,
    destinationCountries: Type.Optional(
      Type.Array(CountryCode, { minItems: 1, maxItems: 300, uniqueItems: true }),
    ),
    perShipmentMinor: Minor,
    perUnitMinor: Type.Optional(Minor),
  },
  { additionalProperties: false },
);

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
        action: Type.Union([RouteAction, HoldAction, ExcludeAction]),
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
              rows: Type.Array(CostRow, { maxItems: 1000 }),
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
