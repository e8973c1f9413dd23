import { describe, expect, it } from 'vitest';
import { CANDIDATE_RULES, LIVE_RULES } from '../../bench/routing-fixtures.ts';
import { checkRuleSetReferences, validateRuleSet } from './validate-rule-set.ts';

const errorsOf = (input: unknown) => {
  const result = validateRuleSet(input);
  if (result.ok) throw new Error('expected the rule set to be refused');
  return result.errors;
};

describe('rule set validation', () => {
  it('accepts rule sets that use every condition, action and strategy', () => {
    expect(validateRuleSet(LIVE_RULES.definition).ok).toBe(true);
    expect(validateRuleSet(CANDIDATE_RULES.definition).ok).toBe(true);
    const everything = {
      timeZone: 'America/New_York',
      rules: [
        {
          id: 'all-conditions',
          name: 'every condition once',
          enabled: false,
          when: {
            type: 'all',
            of: [
              { type: 'sku', in: ['A'] },
              { type: 'sku_prefix', prefixes: ['PRE-'] },
              { type: 'product_tag', in: ['Fragile'] },
              { type: 'storefront', connectionIds: ['shop-1'] },
              { type: 'destination_country', in: ['US'] },
              { type: 'destination_region', country: 'US', in: ['CA'] },
              { type: 'destination_postal_prefix', country: 'US', prefixes: ['94'] },
              { type: 'order_tag', in: ['vip'] },
              { type: 'customer_tag', in: ['wholesale'] },
              { type: 'shipping_method', in: ['express'] },
              { type: 'order_value', currency: 'USD', atLeastMinor: 0, belowMinor: 100 },
              { type: 'line_count', of: 'units', min: 1, max: 3 },
              {
                type: 'time_window',
                days: ['sat', 'sun'],
                hours: { from: '22:00', to: '06:00' },
                at: 'routed',
              },
              { type: 'any', of: [{ type: 'not', condition: { type: 'sku', in: ['B'] } }] },
            ],
          },
          lines: {
            type: 'any',
            of: [
              { type: 'sku', in: ['A'] },
              { type: 'not', condition: { type: 'product_tag', in: ['x'] } },
            ],
          },
          action: {
            type: 'route',
            locationIds: ['eu-1'],
            connectionIds: ['conn-1'],
            strategy: ['priority', 'closest', 'cheapest', 'same_country', 'ship_complete_first'],
            allowSplit: false,
            ranking: ['eu-1'],
            safetyStock: 2,
            ifUnfilled: 'unfillable',
          },
        },
        { id: 'hold', action: { type: 'hold', reason: 'fraud_review', note: 'check', durationMinutes: 30 } },
        { id: 'exclude', action: { type: 'exclude', connectionIds: ['conn-2'] } },
      ],
      costs: { currency: 'EUR', rows: [{ locationId: 'eu-1', perShipmentMinor: 400, perUnitMinor: 20 }] },
    };
    expect(validateRuleSet(everything)).toEqual({ ok: true, value: everything });
  });

  it('names the field of an unknown condition type, not every branch of the union', () => {
    const errors = errorsOf({
      rules: [
        {
          id: 'r1',
          when: {
            type: 'all',
            of: [
              { type: 'sku', in: ['A'] },
              { type: 'weather', in: ['sunny'] },
            ],
          },
          action: { type: 'route' },
        },
      ],
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe('/rules/0/when/of/1/type');
    expect(errors[0]?.message).toMatch(/must be one of sku, sku_prefix, .*time_window, all, any, not/);
  });

  it('names a bad field inside a condition, a missing field and an unknown one', () => {
    const errors = errorsOf({
      rules: [
        { id: 'r1', when: { type: 'destination_country', in: ['de'] }, action: { type: 'hold' } },
        { id: 'r2', action: { type: 'route', strategy: ['fastest'], splits: true } },
        { id: 'r3', action: {} },
      ],
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: '/rules/0/when/in/0', message: 'must match pattern "^[A-Z]{2}$"' },
        { path: '/rules/0/action/reason', message: 'is required' },
        {
          path: '/rules/1/action/strategy/0',
          message: 'must be one of ship_complete_first, closest, priority, cheapest, same_country',
        },
        { path: '/rules/1/action/splits', message: 'is not a known field' },
        { path: '/rules/2/action/type', message: 'is required, a string' },
      ]),
    );
    expect(errors).toHaveLength(5);
  });

  it('refuses an unknown time zone, a bad clock time and an out-of-range duration', () => {
    const errors = errorsOf({
      timeZone: 'Mars/Olympus_Mons',
      rules: [
        {
          id: 'r1',
          when: { type: 'time_window', hours: { from: '9:00', to: '17:00' } },
          action: { type: 'route' },
        },
        { id: 'r2', action: { type: 'hold', reason: 'pre_order', durationMinutes: 0 } },
      ],
    });
    expect(errors.map((error) => error.path)).toEqual([
      '/timeZone',
      '/rules/0/when/hours/from',
      '/rules/1/action/durationMinutes',
    ]);
    expect(errors[0]?.message).toBe('must be a valid iana-time-zone');
  });

  it('checks what the schema cannot: unique ids, ranges in order, windows that say something', () => {
    const errors = errorsOf({
      rules: [
        {
          id: 'same',
          when: { type: 'order_value', currency: 'EUR', atLeastMinor: 500, belowMinor: 500 },
          action: { type: 'route' },
        },
        { id: 'same', when: { type: 'line_count', min: 3, max: 2 }, action: { type: 'route' } },
        {
          id: 'r3',
          when: { type: 'not', condition: { type: 'time_window', at: 'placed' } },
          action: { type: 'route' },
        },
        {
          id: 'r4',
          when: { type: 'time_window', hours: { from: '10:00', to: '10:00' } },
          action: { type: 'route' },
        },
        { id: 'r5', action: { type: 'exclude' } },
        { id: 'r6', lines: { type: 'sku', in: ['A'] }, action: { type: 'exclude', locationIds: ['x'] } },
        { id: 'r7', action: { type: 'route', ranking: ['x'], strategy: ['closest'] } },
        { id: 'r8', when: { type: 'order_value', currency: 'EUR' }, action: { type: 'route' } },
      ],
    });
    expect(errors).toEqual([
      { path: '/rules/0/when/belowMinor', message: 'must be greater than atLeastMinor' },
      { path: '/rules/1/id', message: 'repeats the id of /rules/0' },
      { path: '/rules/1/when/max', message: 'must not be less than min' },
      { path: '/rules/2/when/condition', message: 'needs days, hours or both' },
      { path: '/rules/3/when/hours/to', message: 'must differ from hours.from' },
      { path: '/rules/4/action', message: 'needs locationIds, connectionIds or both' },
      { path: '/rules/5/lines', message: 'an exclusion applies to the whole order; use when' },
      { path: '/rules/6/action/ranking', message: 'is only read by the priority strategy' },
      { path: '/rules/7/when', message: 'needs atLeastMinor, belowMinor or both' },
    ]);
  });

  it('refuses conditions nested deeper than a person would write', () => {
    let condition: unknown = { type: 'sku', in: ['A'] };
    for (let depth = 0; depth < 9; depth++) condition = { type: 'not', condition };
    const errors = errorsOf({ rules: [{ id: 'deep', when: condition, action: { type: 'route' } }] });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toBe('nests deeper than 8 levels');
  });

  it('refuses what is not a rule set at all', () => {
    expect(errorsOf(null)).toEqual([{ path: '', message: 'must be object' }]);
    expect(errorsOf({})).toEqual([{ path: '/rules', message: 'is required' }]);
  });

  it('names ids the merchant does not have', () => {
    const checked = validateRuleSet({
      rules: [
        {
          id: 'r1',
          when: { type: 'storefront', connectionIds: ['shop-1', 'shop-9'] },
          action: { type: 'route', locationIds: ['eu-1', 'eu-9'] },
        },
        { id: 'r2', action: { type: 'exclude', connectionIds: ['conn-9'] } },
      ],
      costs: { currency: 'EUR', rows: [{ locationId: 'us-9', perShipmentMinor: 1 }] },
    });
    if (!checked.ok) throw new Error('expected a valid rule set');
    const known = {
      locationIds: ['eu-1'],
      fulfillmentConnectionIds: ['conn-1'],
      storefrontConnectionIds: ['shop-1'],
    };
    expect(checkRuleSetReferences(checked.value, known)).toEqual([
      { path: '/rules/0/when/connectionIds/1', message: 'names no storefront connection of this merchant' },
      { path: '/rules/0/action/locationIds/1', message: 'names no location of this merchant' },
      {
        path: '/rules/1/action/connectionIds/0',
        message: 'names no fulfillment connection of this merchant',
      },
      { path: '/costs/rows/0/locationId', message: 'names no location of this merchant' },
    ]);
  });
});
