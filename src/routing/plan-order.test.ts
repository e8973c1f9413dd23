import { describe, expect, it } from 'vitest';
import { line, location, NOW, order, route, rules, shipped } from './test-builders.ts';

const amsterdam = { latitude: 52.37, longitude: 4.9 };
const warsaw = { latitude: 52.23, longitude: 21.01 };
const newJersey = { latitude: 40.73, longitude: -74.17 };
const berlin = {
  country: 'DE',
  region: 'BE',
  postalCode: '10115',
  coordinates: { latitude: 52.52, longitude: 13.4 },
};

describe('default behaviour, without rules', () => {
  it('ships complete from one location when any can, even if another is closer but short', () => {
    const result = route({
      order: order({ lines: [line({ lineId: 'l1', sku: 'A' }), line({ lineId: 'l2', sku: 'B' })] }),
      locations: [
        location({ locationId: 'near', country: 'DE', available: { A: 5 } }),
        location({ locationId: 'far', country: 'US', available: { A: 5, B: 5 } }),
      ],
    });
    expect(shipped(result)).toEqual({ far: { l1: 1, l2: 1 } });
    expect(result.plan.outcome).toBe('ship');
  });

  it('breaks a tie between complete locations by country, then distance', () => {
    const locations = [
      location({ locationId: 'us', country: 'US', coordinates: newJersey, available: { A: 5 } }),
      location({ locationId: 'pl', country: 'PL', coordinates: warsaw, available: { A: 5 } }),
      location({ locationId: 'nl', country: 'NL', coordinates: amsterdam, available: { A: 5 } }),
    ];
    expect(shipped(route({ order: order({ destination: berlin }), locations }))).toEqual({ pl: { l1: 1 } });
    const toAmerica = order({
      destination: { country: 'US', region: 'NY', postalCode: null, coordinates: null },
    });
    expect(shipped(route({ order: toAmerica, locations }))).toEqual({ us: { l1: 1 } });
  });

  it('splits by stock with the fewest shipments when no location has everything', () => {
    // Greedy "biggest first" would take big (4 lines) and then need both others: 3 shipments.
    const lines = ['a', 'b', 'c', 'd', 'e', 'f'].map((sku) => line({ lineId: sku, sku }));
    const result = route({
      order: order({ lines }),
      locations: [
        location({ locationId: 'big', available: { a: 1, b: 1, c: 1, d: 1 } }),
        location({ locationId: 'left', available: { a: 1, b: 1, e: 1 } }),
        location({ locationId: 'right', available: { c: 1, d: 1, f: 1 } }),
      ],
    });
    expect(shipped(result)).toEqual({ left: { a: 1, b: 1, e: 1 }, right: { c: 1, d: 1, f: 1 } });
  });

  it('splits the units of one line when no location has them all', () => {
    const result = route({
      order: order({ lines: [line({ lineId: 'l1', sku: 'A', quantity: 5 })] }),
      locations: [
        location({ locationId: 'one', priority: 1, available: { A: 3 } }),
        location({ locationId: 'two', priority: 2, available: { A: 4 } }),
      ],
    });
    // ship_complete_first ranks the location that can ship more of it first, before priority.
    expect(shipped(result)).toEqual({ one: { l1: 1 }, two: { l1: 4 } });
  });

  it('parks what no location can fill as unfillable with the shortfall, and ships the rest', () => {
    const result = route({
      order: order({
        lines: [line({ lineId: 'l1', sku: 'A', quantity: 2 }), line({ lineId: 'l2', sku: 'B', quantity: 5 })],
      }),
      locations: [
        location({ locationId: 'one', available: { A: 2, B: 1 } }),
        location({ locationId: 'two', available: { B: 1 } }),
      ],
    });
    expect(result.plan.outcome).toBe('partial');
    expect(shipped(result)).toEqual({ one: { l1: 2, l2: 1 }, two: { l2: 1 } });
    expect(result.plan.unfillable).toEqual([
      { lineId: 'l2', sku: 'B', quantity: 3, shortfall: 3, reason: 'insufficient_stock', ruleId: null },
    ]);
  });

  it('never sends lines that do not ship, and says why they were left out', () => {
    const result = route({
      order: order({
        lines: [
          line({ lineId: 'g', sku: 'GIFT', shippable: false }),
          line({ lineId: 'z', sku: 'A', quantity: 0 }),
          line({ lineId: 'l1', sku: 'A' }),
        ],
      }),
      locations: [location({ locationId: 'one', available: { A: 5, GIFT: 5 } })],
    });
    expect(shipped(result)).toEqual({ one: { l1: 1 } });
    expect(result.plan.notRouted).toEqual([
      { lineId: 'g', reason: 'not_shippable' },
      { lineId: 'z', reason: 'zero_quantity' },
    ]);
    const digitalOnly = route({
      order: order({ lines: [line({ lineId: 'g', sku: 'GIFT', shippable: false })] }),
      locations: [location({ locationId: 'one', available: { GIFT: 5 } })],
    });
    expect(digitalOnly.plan.outcome).toBe('nothing_to_ship');
    expect(digitalOnly.plan.shipments).toEqual([]);
  });

  it('keeps safety stock back and never uses inactive locations', () => {
    const result = route({
      order: order({ lines: [line({ lineId: 'l1', sku: 'A', quantity: 3 })] }),
      locations: [
        location({ locationId: 'buffered', safetyStock: 3, available: { A: 5 } }),
        location({ locationId: 'closed', active: false, available: { A: 50 } }),
      ],
    });
    expect(shipped(result)).toEqual({ buffered: { l1: 2 } });
    expect(result.plan.unfillable).toEqual([
      { lineId: 'l1', sku: 'A', quantity: 1, shortfall: 1, reason: 'insufficient_stock', ruleId: null },
    ]);
  });
});

describe('strategies', () => {
  const orderAB = order({
    destination: berlin,
    lines: [line({ lineId: 'l1', sku: 'A' }), line({ lineId: 'l2', sku: 'B' })],
  });
  const sites = [
    location({
      locationId: 'ams',
      country: 'NL',
      coordinates: amsterdam,
      priority: 2,
      available: { A: 9, B: 9 },
    }),
    location({ locationId: 'waw', country: 'PL', coordinates: warsaw, priority: 3, available: { A: 9 } }),
    location({
      locationId: 'nj',
      country: 'US',
      coordinates: newJersey,
      priority: 1,
      available: { A: 9, B: 9 },
    }),
  ];

  it('closest ships from the nearest location first and splits from the next', () => {
    const ruleSet = rules([{ id: 'closest', action: { type: 'route', strategy: ['closest'] } }]);
    const result = route({ order: orderAB, locations: sites, ruleSet });
    // Warsaw (~520 km) is nearer Berlin than Amsterdam (~580 km) but has no B.
    expect(shipped(result)).toEqual({ ams: { l2: 1 }, waw: { l1: 1 } });
    const step = result.decision.steps[0];
    const scores = Object.fromEntries(step?.candidates?.map((c) => [c.locationId, c.scores.closest]) ?? []);
    expect(scores.waw).toBeLessThan(scores.ams as number);
    expect(scores.ams).toBeLessThan(scores.nj as number);
  });

  it('closest without splitting takes the nearest location that has everything', () => {
    const ruleSet = rules([
      { id: 'closest', action: { type: 'route', strategy: ['closest'], allowSplit: false } },
    ]);
    expect(shipped(route({ order: orderAB, locations: sites, ruleSet }))).toEqual({ ams: { l1: 1, l2: 1 } });
  });

  it('ship_complete_first then closest prefers a complete shipment, nearest among those', () => {
    const ruleSet = rules([
      { id: 'r', action: { type: 'route', strategy: ['ship_complete_first', 'closest'] } },
    ]);
    expect(shipped(route({ order: orderAB, locations: sites, ruleSet }))).toEqual({ ams: { l1: 1, l2: 1 } });
  });

  it("priority follows the rule's ranking, else the locations' own priority", () => {
    const own = rules([{ id: 'r', action: { type: 'route', strategy: ['priority'] } }]);
    expect(shipped(route({ order: orderAB, locations: sites, ruleSet: own }))).toEqual({
      nj: { l1: 1, l2: 1 },
    });
    const ranked = rules([
      { id: 'r', action: { type: 'route', strategy: ['priority'], ranking: ['waw', 'ams'] } },
    ]);
    // waw first takes A; ams takes B; nj is unranked and never needed.
    expect(shipped(route({ order: orderAB, locations: sites, ruleSet: ranked }))).toEqual({
      ams: { l2: 1 },
      waw: { l1: 1 },
    });
  });

  it('cheapest reads the cost table, its first row matching the destination country', () => {
    const costs = {
      currency: 'EUR',
      rows: [
        { locationId: 'nj', destinationCountries: ['DE'], perShipmentMinor: 300 },
        { locationId: 'ams', perShipmentMinor: 400, perUnitMinor: 10 },
        { locationId: 'nj', perShipmentMinor: 100 },
      ],
    };
    const ruleSet = rules(
      [{ id: 'r', action: { type: 'route', strategy: ['ship_complete_first', 'cheapest'] } }],
      { costs },
    );
    const result = route({ order: orderAB, locations: sites, ruleSet });
    expect(shipped(result)).toEqual({ nj: { l1: 1, l2: 1 } });
    const scores = Object.fromEntries(
      result.decision.steps[0]?.candidates?.map((c) => [c.locationId, c.scores.cheapest]) ?? [],
    );
    expect(scores).toEqual({ ams: 420, waw: null, nj: 300 });
  });

  it('same_country keeps an order in its country when it can', () => {
    const toPoland = order({
      destination: { country: 'PL', region: null, postalCode: null, coordinates: null },
    });
    const ruleSet = rules([{ id: 'r', action: { type: 'route', strategy: ['same_country', 'priority'] } }]);
    expect(shipped(route({ order: toPoland, locations: sites, ruleSet }))).toEqual({ waw: { l1: 1 } });
  });

  it('breaks every remaining tie by location id, whatever order the locations come in', () => {
    const twins = [
      location({ locationId: 'b', available: { A: 5 } }),
      location({ locationId: 'a', available: { A: 5 } }),
    ];
    expect(shipped(route({ locations: twins }))).toEqual({ a: { l1: 1 } });
    expect(shipped(route({ locations: [...twins].reverse() }))).toEqual({ a: { l1: 1 } });
  });
});

describe('rules in order, with fallback', () => {
  const eu = location({
    locationId: 'eu',
    fulfillmentConnectionId: 'conn-eu',
    country: 'NL',
    available: { A: 1, B: 5 },
  });
  const us = location({
    locationId: 'us',
    fulfillmentConnectionId: 'conn-us',
    country: 'US',
    available: { A: 5, B: 5 },
  });
  const twoOfA = order({
    lines: [line({ lineId: 'l1', sku: 'A', quantity: 2 }), line({ lineId: 'l2', sku: 'B' })],
  });

  it('sends to a given location or to the locations of a 3PL connection', () => {
    const byLocation = rules([{ id: 'to-us', action: { type: 'route', locationIds: ['us'] } }]);
    expect(shipped(route({ locations: [eu, us], ruleSet: byLocation }))).toEqual({ us: { l1: 1 } });
    const byConnection = rules([{ id: 'to-eu', action: { type: 'route', connectionIds: ['conn-eu'] } }]);
    expect(shipped(route({ locations: [eu, us], ruleSet: byConnection }))).toEqual({ eu: { l1: 1 } });
  });

  it('falls through to the next rule when a rule cannot place the lines', () => {
    const ruleSet = rules([
      {
        id: 'eu-only',
        when: { type: 'destination_country', in: ['DE'] },
        action: { type: 'route', locationIds: ['eu'], allowSplit: false },
      },
      { id: 'anywhere', action: { type: 'route', locationIds: ['us'] } },
    ]);
    const result = route({ order: twoOfA, locations: [eu, us], ruleSet });
    expect(shipped(result)).toEqual({ us: { l1: 2, l2: 1 } });
    expect(result.decision.matchedRuleIds).toEqual(['eu-only', 'anywhere']);
    expect(result.decision.steps[0]?.placed).toEqual([]);
    expect(result.decision.steps[0]?.note).toMatch(/left to the next rules/);
  });

  it('leaves the part a splitting rule could not place to the next rules', () => {
    const ruleSet = rules([
      { id: 'eu-first', action: { type: 'route', locationIds: ['eu'] } },
      { id: 'then-us', action: { type: 'route', locationIds: ['us'] } },
    ]);
    expect(shipped(route({ order: twoOfA, locations: [eu, us], ruleSet }))).toEqual({
      eu: { l1: 1, l2: 1 },
      us: { l1: 1 },
    });
  });

  it("parks what a rule cannot place when it says ifUnfilled: 'unfillable'", () => {
    const ruleSet = rules([
      {
        id: 'eu-strict',
        action: { type: 'route', locationIds: ['eu'], allowSplit: false, ifUnfilled: 'unfillable' },
      },
    ]);
    const result = route({ order: twoOfA, locations: [eu, us], ruleSet });
    expect(result.plan.outcome).toBe('unfillable');
    expect(result.plan.shipments).toEqual([]);
    expect(result.plan.unfillable).toEqual([
      {
        lineId: 'l1',
        sku: 'A',
        quantity: 2,
        shortfall: 1,
        reason: 'insufficient_stock',
        ruleId: 'eu-strict',
      },
      { lineId: 'l2', sku: 'B', quantity: 1, shortfall: 0, reason: 'split_not_allowed', ruleId: 'eu-strict' },
    ]);
  });

  it('gives lines no rule placed the default behaviour', () => {
    const ruleSet = rules([
      {
        id: 'only-fr',
        when: { type: 'destination_country', in: ['FR'] },
        action: { type: 'route', locationIds: ['eu'] },
      },
    ]);
    const result = route({ order: twoOfA, locations: [eu, us], ruleSet });
    expect(shipped(result)).toEqual({ us: { l1: 2, l2: 1 } });
    expect(result.decision.rules).toEqual([
      { ruleId: 'only-fr', matched: false, skipReason: 'conditions_not_met' },
    ]);
    expect(result.decision.steps.map((step) => step.ruleId)).toEqual([null]);
  });

  it('routes the lines a lines filter picks and leaves the others to later rules', () => {
    const ruleSet = rules([
      { id: 'b-from-eu', lines: { type: 'sku', in: ['B'] }, action: { type: 'route', locationIds: ['eu'] } },
      { id: 'rest-from-us', action: { type: 'route', locationIds: ['us'] } },
    ]);
    const result = route({ order: twoOfA, locations: [eu, us], ruleSet });
    expect(shipped(result)).toEqual({ eu: { l2: 1 }, us: { l1: 2 } });
  });

  it('counts a location this order already ships from as free when minimising shipments', () => {
    const ruleSet = rules([
      { id: 'b-first', lines: { type: 'sku', in: ['B'] }, action: { type: 'route', locationIds: ['us'] } },
      {
        id: 'rest',
        action: { type: 'route', strategy: ['ship_complete_first', 'priority'], ranking: ['eu', 'us'] },
      },
    ]);
    const oneA = order({ lines: [line({ lineId: 'l1', sku: 'A' }), line({ lineId: 'l2', sku: 'B' })] });
    // eu ranks first and has A, but us already ships B: one shipment instead of two.
    expect(shipped(route({ order: oneA, locations: [eu, us], ruleSet }))).toEqual({ us: { l1: 1, l2: 1 } });
  });

  it('skips disabled rules and rules with nothing left to route, and says so', () => {
    const ruleSet = rules([
      { id: 'off', enabled: false, action: { type: 'route', locationIds: ['eu'] } },
      { id: 'all', action: { type: 'route', locationIds: ['us'] } },
      { id: 'late', action: { type: 'route', locationIds: ['eu'] } },
      { id: 'picky', lines: { type: 'sku', in: ['Z'] }, action: { type: 'route' } },
    ]);
    const result = route({ locations: [eu, us], ruleSet });
    expect(result.decision.rules).toEqual([
      { ruleId: 'off', matched: false, skipReason: 'disabled' },
      { ruleId: 'all', matched: true, skipReason: null },
      { ruleId: 'late', matched: false, skipReason: 'nothing_left_to_route' },
      { ruleId: 'picky', matched: false, skipReason: 'nothing_left_to_route' },
    ]);
    const noLines = rules([{ id: 'picky', lines: { type: 'sku', in: ['Z'] }, action: { type: 'route' } }]);
    expect(route({ locations: [eu, us], ruleSet: noLines }).decision.rules).toEqual([
      { ruleId: 'picky', matched: false, skipReason: 'no_lines_selected' },
    ]);
  });

  it("adds a rule's safety stock to the location's own", () => {
    const buffered = location({ locationId: 'eu', safetyStock: 1, available: { A: 4 } });
    const ruleSet = rules([
      {
        id: 'keep-two-more',
        action: { type: 'route', locationIds: ['eu'], safetyStock: 2, ifUnfilled: 'unfillable' },
      },
    ]);
    const result = route({ order: twoOfA, locations: [buffered], ruleSet });
    expect(shipped(result)).toEqual({ eu: { l1: 1 } });
  });
});

describe('holds', () => {
  const stocked = [location({ locationId: 'eu', available: { A: 9, PRE: 9 } })];

  it('holds a high-value order for a duration, with the time it releases itself', () => {
    const ruleSet = rules([
      {
        id: 'high-value',
        when: { type: 'order_value', currency: 'EUR', atLeastMinor: 100_000 },
        action: { type: 'hold', reason: 'high_value', durationMinutes: 90, note: 'call the customer' },
      },
    ]);
    const result = route({ order: order({ totalMinor: 250_000 }), locations: stocked, ruleSet });
    expect(result.plan.outcome).toBe('held');
    expect(result.plan.shipments).toEqual([]);
    expect(result.plan.holds).toEqual([
      {
        ruleId: 'high-value',
        reason: 'high_value',
        note: 'call the customer',
        until: '2026-03-04T13:30:00.000Z',
        scope: 'order',
        lines: [{ lineId: 'l1', sku: 'A', quantity: 1 }],
      },
    ]);
    expect(route({ order: order({ totalMinor: 99_999 }), locations: stocked, ruleSet }).plan.outcome).toBe(
      'ship',
    );
  });

  it('holds until released when no duration is given', () => {
    const ruleSet = rules([
      {
        id: 'fraud',
        when: { type: 'order_tag', in: ['fraud-risk'] },
        action: { type: 'hold', reason: 'fraud_review' },
      },
    ]);
    const result = route({ order: order({ tags: ['fraud-risk'] }), locations: stocked, ruleSet });
    expect(result.plan.holds[0]?.until).toBeNull();
    expect(result.plan.holds[0]?.reason).toBe('fraud_review');
  });

  it('holds only the lines a lines filter picks, and ships the rest', () => {
    const ruleSet = rules([
      {
        id: 'pre-orders',
        lines: { type: 'product_tag', in: ['pre-order'] },
        action: { type: 'hold', reason: 'pre_order' },
      },
    ]);
    const result = route({
      order: order({
        lines: [
          line({ lineId: 'l1', sku: 'A' }),
          line({ lineId: 'l2', sku: 'PRE', productTags: ['Pre-Order'] }),
        ],
      }),
      locations: stocked,
      ruleSet,
    });
    expect(result.plan.outcome).toBe('partial');
    expect(shipped(result)).toEqual({ eu: { l1: 1 } });
    expect(result.plan.holds).toMatchObject([{ scope: 'lines', lines: [{ lineId: 'l2', quantity: 1 }] }]);
  });

  it('an order hold after a route rule takes back what that rule had placed', () => {
    const ruleSet = rules([
      { id: 'route-a', lines: { type: 'sku', in: ['A'] }, action: { type: 'route' } },
      {
        id: 'check-address',
        when: { type: 'destination_postal_prefix', prefixes: ['101'] },
        action: { type: 'hold', reason: 'address_check' },
      },
    ]);
    const result = route({
      order: order({ lines: [line({ lineId: 'l1', sku: 'A' }), line({ lineId: 'l2', sku: 'PRE' })] }),
      locations: stocked,
      ruleSet,
    });
    expect(result.plan.shipments).toEqual([]);
    expect(result.plan.holds[0]?.lines.map((held) => held.lineId)).toEqual(['l1', 'l2']);
  });

  it('does not hold again once that hold was released or expired', () => {
    const ruleSet = rules([
      { id: 'review', action: { type: 'hold', reason: 'fraud_review', durationMinutes: 10 } },
    ]);
    const result = route({ locations: stocked, ruleSet, releasedHoldRuleIds: ['review'] });
    expect(result.plan.outcome).toBe('ship');
    expect(result.decision.rules).toEqual([
      { ruleId: 'review', matched: false, skipReason: 'hold_released' },
    ]);
  });
});

describe('exclusion', () => {
  const eu = location({
    locationId: 'eu',
    fulfillmentConnectionId: 'conn-eu',
    priority: 1,
    available: { A: 5 },
  });
  const us = location({
    locationId: 'us',
    fulfillmentConnectionId: 'conn-us',
    priority: 2,
    available: { A: 5 },
  });

  it('re-routes away from a location the caller excludes (a 3PL refused the order)', () => {
    const result = route({ locations: [eu, us], excludedLocationIds: ['eu'] });
    expect(shipped(result)).toEqual({ us: { l1: 1 } });
    expect(result.decision.excludedLocations).toEqual([{ locationId: 'eu', by: 'input' }]);
    const candidate = result.decision.steps[0]?.candidates?.find((c) => c.locationId === 'eu');
    expect(candidate).toMatchObject({
      eligible: false,
      ineligibleReason: 'excluded',
      stock: { A: 5 },
      rank: null,
    });
  });

  it('parks the lines when the only location with stock is excluded', () => {
    const result = route({ locations: [eu], excludedLocationIds: ['eu'] });
    expect(result.plan.unfillable).toEqual([
      { lineId: 'l1', sku: 'A', quantity: 1, shortfall: 1, reason: 'no_eligible_location', ruleId: null },
    ]);
  });

  it('bars the locations of a connection from later rules and the default', () => {
    const ruleSet = rules([
      {
        id: 'no-eu-for-wholesale',
        when: { type: 'customer_tag', in: ['wholesale'] },
        action: { type: 'exclude', connectionIds: ['conn-eu'] },
      },
      { id: 'eu', action: { type: 'route', locationIds: ['eu'] } },
    ]);
    const result = route({ order: order({ customerTags: ['Wholesale'] }), locations: [eu, us], ruleSet });
    expect(shipped(result)).toEqual({ us: { l1: 1 } });
    expect(result.decision.excludedLocations).toEqual([{ locationId: 'eu', by: 'no-eu-for-wholesale' }]);
    expect(shipped(route({ locations: [eu, us], ruleSet }))).toEqual({ eu: { l1: 1 } });
  });
});

describe('decision record', () => {
  it('is plain JSON: it survives a round trip unchanged', () => {
    const ruleSet = rules(
      [
        {
          id: 'pre',
          lines: { type: 'sku', in: ['PRE'] },
          action: { type: 'hold', reason: 'pre_order', durationMinutes: 60 },
        },
        { id: 'closest', action: { type: 'route', strategy: ['closest', 'priority'] } },
      ],
      {},
      7,
    );
    const result = route({
      order: order({
        lines: [line({ lineId: 'l1', sku: 'A', quantity: 4 }), line({ lineId: 'l2', sku: 'PRE' })],
      }),
      locations: [
        location({ locationId: 'ams', country: 'NL', coordinates: amsterdam, available: { A: 3 } }),
        location({ locationId: 'nj', country: 'US', available: { A: 9 } }),
      ],
      ruleSet,
    });
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    expect(result.decision).toMatchObject({
      ruleSetVersion: 7,
      routedAt: NOW,
      matchedRuleIds: ['pre', 'closest'],
      plan: result.plan,
    });
    const routeStep = result.decision.steps[1];
    expect(routeStep?.candidates?.map((c) => [c.locationId, c.rank, c.stock, c.canShipComplete])).toEqual([
      ['ams', 1, { A: 3 }, false],
      ['nj', 2, { A: 9 }, true],
    ]);
    expect(routeStep?.note).toBe('split across 2 locations: ams, nj');
  });

  it('records no version when routed without a rule set', () => {
    expect(
      route({ locations: [location({ locationId: 'x', available: { A: 1 } })] }).decision.ruleSetVersion,
    ).toBeNull();
  });
});
