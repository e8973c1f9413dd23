/**
 * The building blocks of the routing rule format (see rules-schema.ts): bounded strings and lists,
 * codes, amounts, and the closed vocabularies (weekdays, strategies, hold reasons) the rules use.
 */
import Type from 'typebox';

const MAX_LIST = 1000;
export const Text = (maxLength = 200) => Type.String({ minLength: 1, maxLength });
export const TextList = (description: string) =>
  Type.Array(Text(), { minItems: 1, maxItems: MAX_LIST, uniqueItems: true, description });
export const Id = Type.String({ minLength: 1, maxLength: 100 });
export const IdList = (description: string) =>
  Type.Array(Id, { minItems: 1, maxItems: 100, uniqueItems: true, description });
export const CountryCode = Type.String({
  pattern: '^[A-Z]{2}$',
  description: 'ISO 3166-1 alpha-2, upper case',
});
export const Minor = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
export const ClockTime = Type.String({
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
