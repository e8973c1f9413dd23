/**
 * The conditions of the routing rule format (see rules-schema.ts): about one line, and about the
 * whole order. Each is an object with a constant `type`, so the validator names the wrong field.
 */
import Type from 'typebox';
import { ClockTime, CountryCode, IdList, Minor, TextList, WEEKDAYS } from './rule-primitives.ts';

// Conditions about one line. At order level they mean "some line still to be routed matches".
export const lineConditionMembers = [
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
export const orderConditionMembers = [
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
