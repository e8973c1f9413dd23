import { describe, expect, it } from 'vitest';
import { benchLocations, benchOrders, CANDIDATE_RULES, LIVE_RULES } from '../../bench/routing-fixtures.ts';
import { simulateRouting } from './simulate.ts';
import { line, location, order, rules } from './test-builders.ts';

const eu = location({
  locationId: 'eu',
  fulfillmentConnectionId: 'conn-eu',
  country: 'NL',
  available: { A: 1, B: 10 },
});
const us = location({
  locationId: 'us',
  fulfillmentConnectionId: 'conn-us',
  country: 'US',
  available: { A: 10, B: 10 },
});
const euFirst = rules(
  [{ id: 'eu-first', action: { type: 'route', locationIds: ['eu'], allowSplit: false } }],
  {},
  2,
);
const usOnly = rules(
  [{ id: 'us-only', action: { type: 'route', locationIds: ['us'], ifUnfilled: 'unfillable' } }],
  {},
  1,
);

const orderAt = (orderId: string, placedAt: string, lines = [line({ lineId: `${orderId}-1`, sku: 'A' })]) =>
  order({ orderId, placedAt, lines });

describe('routing simulation', () => {
  it('consumes stock order by order, in the order they were placed', () => {
    // Given out of order: the earlier order must get eu's only unit of A.
    const orders = [orderAt('late', '2026-03-02T10:00:00Z'), orderAt('early', '2026-03-01T10:00:00Z')];
    const report = simulateRouting({ candidate: euFirst, live: usOnly, orders, locations: [eu, us] });
    expect(report.stockConsumption).toBe('sequential');
    expect(report.candidate.byLocation).toEqual({ eu: { orders: 1, units: 1 }, us: { orders: 1, units: 1 } });
    expect(
      report.changed.map((change) => [change.orderId, change.live.locationIds, change.candidate.locationIds]),
    ).toEqual([['early', ['us'], ['eu']]]);
  });

  it('can instead route every order against today’s stock', () => {
    const orders = [orderAt('one', '2026-03-01T10:00:00Z'), orderAt('two', '2026-03-02T10:00:00Z')];
    const report = simulateRouting({
      candidate: euFirst,
      live: usOnly,
      orders,
      locations: [eu, us],
      consumeStock: false,
    });
    expect(report.stockConsumption).toBe('none');
    expect(report.candidate.byLocation).toEqual({ eu: { orders: 2, units: 2 } });
    expect(report.changed).toHaveLength(2);
  });

  it('counts splits, holds by reason and unfillable orders for each rule set', () => {
    const orders = [
      orderAt('split', '2026-03-01T10:00:00Z', [line({ lineId: 's1', sku: 'A', quantity: 11 })]),
      order({ orderId: 'rich', placedAt: '2026-03-01T11:00:00Z', totalMinor: 900_000 }),
      orderAt('short', '2026-03-01T12:00:00Z', [line({ lineId: 'x1', sku: 'A', quantity: 50 })]),
    ];
    const holding = rules([
      {
        id: 'hv',
        when: { type: 'order_value', currency: 'EUR', atLeastMinor: 500_000 },
        action: { type: 'hold', reason: 'high_value' },
      },
    ]);
    const report = simulateRouting({ candidate: holding, live: null, orders, locations: [eu, us] });
    expect(report.orderCount).toBe(3);
    expect(report.candidate).toMatchObject({
      outcomes: { ship: 1, held: 1, unfillable: 1, partial: 0, nothing_to_ship: 0 },
      splitOrders: 1,
      shipments: 2,
      holdsByReason: { high_value: 1 },
      unfillableOrders: 1,
      unfillableUnits: 50,
    });
    expect(report.live.holdsByReason).toEqual({});
    // Live, the split order took all 11 units of A before "rich" came: it is unfillable there.
    expect(
      report.changed.map((change) => [change.orderId, change.live.outcome, change.candidate.outcome]),
    ).toEqual([['rich', 'unfillable', 'held']]);
    expect(report.changed[0]?.candidate.holdReasons).toEqual(['high_value']);
  });

  it('reports no change when both rule sets route alike, and leaves its inputs untouched', () => {
    const orders = [orderAt('one', '2026-03-01T10:00:00Z')];
    const locations = [eu, us];
    const before = JSON.stringify({ orders, locations });
    const report = simulateRouting({ candidate: usOnly, live: usOnly, orders, locations });
    expect(report.changed).toEqual([]);
    expect(JSON.stringify({ orders, locations })).toBe(before);
  });

  it('handles a month of generated orders with every kind of rule, deterministically', () => {
    const input = {
      candidate: CANDIDATE_RULES,
      live: LIVE_RULES,
      orders: benchOrders(500),
      locations: benchLocations(),
    };
    const report = simulateRouting(input);
    expect(report.orderCount).toBe(500);
    const totals = Object.values(report.candidate.outcomes).reduce((sum, count) => sum + count, 0);
    expect(totals).toBe(500);
    expect(report.candidate.holdsByReason.pre_order).toBeGreaterThan(0);
    expect(report.changed.length).toBeGreaterThan(0);
    expect(simulateRouting(input)).toEqual(report);
  });
});
