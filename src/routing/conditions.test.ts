import { describe, expect, it } from 'vitest';
import { compileCondition, compileLineCondition, conditionContext, conditionLine } from './conditions.ts';
import type { RoutingOrder } from './routing-model.ts';
import type { Condition } from './rules-schema.ts';
import { line, NOW, order } from './test-builders.ts';

function matches(
  condition: Condition,
  overrides: Partial<RoutingOrder> = {},
  now = NOW,
  timeZone = 'UTC',
): boolean {
  const subject = order(overrides);
  const remaining = subject.lines.filter((l) => l.shippable && l.quantity > 0).map(conditionLine);
  return compileCondition(condition)(conditionContext(subject, remaining, Date.parse(now), timeZone));
}

describe('line conditions', () => {
  const lines = [line({ lineId: 'l1', sku: 'TEE-RED-M', productTags: ['Apparel', 'Summer'] })];

  it('sku matches exact SKUs only', () => {
    expect(matches({ type: 'sku', in: ['TEE-RED-M'] }, { lines })).toBe(true);
    expect(matches({ type: 'sku', in: ['tee-red-m', 'TEE-RED'] }, { lines })).toBe(false);
  });

  it('sku_prefix matches the start of the SKU', () => {
    expect(matches({ type: 'sku_prefix', prefixes: ['MUG-', 'TEE-'] }, { lines })).toBe(true);
    expect(matches({ type: 'sku_prefix', prefixes: ['RED'] }, { lines })).toBe(false);
  });

  it('product_tag ignores case and surrounding spaces', () => {
    expect(matches({ type: 'product_tag', in: [' summer '] }, { lines })).toBe(true);
    expect(matches({ type: 'product_tag', in: ['winter'] }, { lines })).toBe(false);
  });

  it('at order level looks only at shippable lines still to route', () => {
    const giftCard = [line({ lineId: 'g', sku: 'GIFT', shippable: false })];
    expect(matches({ type: 'sku', in: ['GIFT'] }, { lines: giftCard })).toBe(false);
  });

  it('as a lines filter picks single lines, combined with all/any/not', () => {
    const pick = compileLineCondition({
      type: 'all',
      of: [
        { type: 'sku_prefix', prefixes: ['TEE-'] },
        { type: 'not', condition: { type: 'product_tag', in: ['pre-order'] } },
      ],
    });
    expect(pick(conditionLine(line({ lineId: 'a', sku: 'TEE-1' })))).toBe(true);
    expect(pick(conditionLine(line({ lineId: 'b', sku: 'TEE-2', productTags: ['Pre-Order'] })))).toBe(false);
    expect(pick(conditionLine(line({ lineId: 'c', sku: 'MUG-1' })))).toBe(false);
  });
});

describe('order conditions', () => {
  it('storefront matches the connection the order came from', () => {
    expect(matches({ type: 'storefront', connectionIds: ['shop-1'] })).toBe(true);
    expect(matches({ type: 'storefront', connectionIds: ['woo-1'] })).toBe(false);
  });

  it('destination_country compares ISO codes whatever the case the storefront sent', () => {
    const destination = { country: 'de', region: null, postalCode: null, coordinates: null };
    expect(matches({ type: 'destination_country', in: ['FR', 'DE'] }, { destination })).toBe(true);
    expect(matches({ type: 'destination_country', in: ['FR'] }, { destination })).toBe(false);
  });

  it('destination_region needs the country too, since region codes repeat across countries', () => {
    const california = { country: 'US', region: 'ca', postalCode: '94103', coordinates: null };
    const canada = { country: 'CA', region: 'CA', postalCode: null, coordinates: null };
    expect(
      matches({ type: 'destination_region', country: 'US', in: ['CA', 'OR'] }, { destination: california }),
    ).toBe(true);
    expect(matches({ type: 'destination_region', country: 'US', in: ['CA'] }, { destination: canada })).toBe(
      false,
    );
    expect(
      matches(
        { type: 'destination_region', country: 'US', in: ['CA'] },
        { destination: { ...california, region: null } },
      ),
    ).toBe(false);
  });

  it('destination_postal_prefix ignores spaces and case, optionally within one country', () => {
    const london = { country: 'GB', region: 'ENG', postalCode: 'sw1a 1aa', coordinates: null };
    expect(matches({ type: 'destination_postal_prefix', prefixes: ['SW1A'] }, { destination: london })).toBe(
      true,
    );
    expect(matches({ type: 'destination_postal_prefix', prefixes: ['SW 1'] }, { destination: london })).toBe(
      true,
    );
    expect(
      matches(
        { type: 'destination_postal_prefix', country: 'US', prefixes: ['SW'] },
        { destination: london },
      ),
    ).toBe(false);
    expect(
      matches(
        { type: 'destination_postal_prefix', prefixes: ['SW'] },
        { destination: { ...london, postalCode: null } },
      ),
    ).toBe(false);
  });

  it('order_tag and customer_tag match any listed tag, case-insensitively', () => {
    expect(matches({ type: 'order_tag', in: ['VIP', 'gift'] }, { tags: ['vip'] })).toBe(true);
    expect(matches({ type: 'order_tag', in: ['VIP'] }, { customerTags: ['vip'] })).toBe(false);
    expect(matches({ type: 'customer_tag', in: ['Wholesale'] }, { customerTags: ['wholesale'] })).toBe(true);
    expect(matches({ type: 'customer_tag', in: ['wholesale'] }, { tags: ['wholesale'] })).toBe(false);
  });

  it('shipping_method matches case-insensitively; an order without one never matches', () => {
    expect(matches({ type: 'shipping_method', in: ['Express'] }, { shippingMethod: 'express' })).toBe(true);
    expect(matches({ type: 'shipping_method', in: ['express'] }, { shippingMethod: 'standard' })).toBe(false);
    expect(matches({ type: 'shipping_method', in: ['express'] }, { shippingMethod: null })).toBe(false);
  });

  it('order_value is at least the lower bound, below the upper, in the same currency only', () => {
    const range: Condition = {
      type: 'order_value',
      currency: 'EUR',
      atLeastMinor: 10_000,
      belowMinor: 50_000,
    };
    expect(matches(range, { totalMinor: 10_000 })).toBe(true);
    expect(matches(range, { totalMinor: 49_999 })).toBe(true);
    expect(matches(range, { totalMinor: 50_000 })).toBe(false);
    expect(matches(range, { totalMinor: 9_999 })).toBe(false);
    expect(matches(range, { totalMinor: 20_000, currency: 'USD' })).toBe(false);
    expect(
      matches({ type: 'order_value', currency: 'EUR', atLeastMinor: 100_000 }, { totalMinor: 250_000 }),
    ).toBe(true);
  });

  it('line_count counts shippable lines, or units, inclusively', () => {
    const lines = [
      line({ lineId: 'a', sku: 'A', quantity: 3 }),
      line({ lineId: 'b', sku: 'B' }),
      line({ lineId: 'g', sku: 'GIFT', shippable: false }),
    ];
    expect(matches({ type: 'line_count', min: 2, max: 2 }, { lines })).toBe(true);
    expect(matches({ type: 'line_count', min: 3 }, { lines })).toBe(false);
    expect(matches({ type: 'line_count', of: 'units', min: 4, max: 4 }, { lines })).toBe(true);
    expect(matches({ type: 'line_count', of: 'units', max: 3 }, { lines })).toBe(false);
  });

  it('all, any and not nest', () => {
    const euButNotGermany: Condition = {
      type: 'all',
      of: [
        {
          type: 'any',
          of: [
            { type: 'destination_country', in: ['DE', 'FR'] },
            { type: 'order_tag', in: ['eu'] },
          ],
        },
        { type: 'not', condition: { type: 'destination_country', in: ['DE'] } },
      ],
    };
    const to = (country: string) => ({
      destination: { country, region: null, postalCode: null, coordinates: null },
    });
    expect(matches(euButNotGermany, to('FR'))).toBe(true);
    expect(matches(euButNotGermany, to('DE'))).toBe(false);
    expect(matches(euButNotGermany, { ...to('AT'), tags: ['EU'] })).toBe(true);
    expect(matches(euButNotGermany, to('AT'))).toBe(false);
  });
});

describe('time windows', () => {
  it('reads the weekday and hours in the merchant time zone, at the time the order was placed', () => {
    // 2026-03-07 is a Saturday; 23:30 UTC is already Sunday 00:30 in Berlin (UTC+1 in March).
    const placedAt = '2026-03-07T23:30:00Z';
    expect(matches({ type: 'time_window', days: ['sat'] }, { placedAt }, NOW, 'UTC')).toBe(true);
    expect(matches({ type: 'time_window', days: ['sat'] }, { placedAt }, NOW, 'Europe/Berlin')).toBe(false);
    expect(matches({ type: 'time_window', days: ['sun'] }, { placedAt }, NOW, 'Europe/Berlin')).toBe(true);
  });

  it('follows daylight saving time through Intl', () => {
    const window: Condition = {
      type: 'time_window',
      hours: { from: '09:00', to: '17:00' },
      timeZone: 'Europe/Amsterdam',
    };
    // 07:30 UTC is 08:30 in winter (UTC+1) but 09:30 in summer (UTC+2).
    expect(matches(window, { placedAt: '2026-01-15T07:30:00Z' })).toBe(false);
    expect(matches(window, { placedAt: '2026-07-15T07:30:00Z' })).toBe(true);
  });

  it('treats from as inclusive, to as exclusive, and spans midnight when to is earlier', () => {
    const night: Condition = { type: 'time_window', hours: { from: '22:00', to: '06:00' } };
    expect(matches(night, { placedAt: '2026-03-04T22:00:00Z' })).toBe(true);
    expect(matches(night, { placedAt: '2026-03-04T03:15:00Z' })).toBe(true);
    expect(matches(night, { placedAt: '2026-03-04T06:00:00Z' })).toBe(false);
    expect(matches(night, { placedAt: '2026-03-04T12:00:00Z' })).toBe(false);
    const afternoon: Condition = { type: 'time_window', hours: { from: '12:00', to: '24:00' } };
    expect(matches(afternoon, { placedAt: '2026-03-04T23:59:00Z' })).toBe(true);
  });

  it("tests the routing time instead when at is 'routed'", () => {
    const weekend: Condition = { type: 'time_window', days: ['sat', 'sun'], at: 'routed' };
    const placedAt = '2026-03-06T12:00:00Z'; // Friday
    expect(matches(weekend, { placedAt }, '2026-03-07T09:00:00Z')).toBe(true);
    expect(matches({ ...weekend, at: 'placed' }, { placedAt }, '2026-03-07T09:00:00Z')).toBe(false);
  });
});
