/**
 * The actions of the routing rule format (see rules-schema.ts) — route, hold, exclude — and the
 * cost table rows the cheapest strategy reads.
 */
import Type from 'typebox';
import { CountryCode, HOLD_REASONS, Id, IdList, Minor, STRATEGIES, Text } from './rule-primitives.ts';

export const RouteActionSchema = Type.Object(
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

export const HoldActionSchema = Type.Object(
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

export const ExcludeActionSchema = Type.Object(
  {
    type: Type.Literal('exclude'),
    locationIds: Type.Optional(IdList('locations later rules and the default may not use for this order')),
    connectionIds: Type.Optional(IdList('3PL connections whose locations are excluded')),
  },
  { additionalProperties: false },
);

export const CostRowSchema = Type.Object(
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
