/**
 * The routing invariants, over random orders, stock, exclusions and rule sets (every generated
 * rule set passes validateRuleSet, as stored ones do).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planOrder } from './plan-order.ts';
import type { RoutingInput, RoutingLine, RoutingLocation } from './routing-model.ts';
import { type Condition, HOLD_REASONS, type Rule, type RuleSet, STRATEGIES } from './rules-schema.ts';
import { validateRuleSet } from './validate-rule-set.ts';

const SKUS = ['A', 'B', 'C', 'D'];
const LOCATION_IDS = ['loc-a', 'loc-b', 'loc-c', 'loc-d', 'loc-e'];
const CONNECTIONS = ['conn-1', 'conn-2'];
const COUNTRIES = ['DE', 'US', 'NL', 'FR'];

const lineArb = (index: number) =>
  fc.record({
    lineId: fc.constant(`line-${index}`),
    sku: fc.constantFrom(...SKUS),
    quantity: fc.integer({ min: 0, max: 6 }),
    shippable: fc.boolean(),
    productTags: fc.subarray(['pre-order', 'fragile']),
    unitPriceMinor: fc.integer({ min: 0, max: 50_000 }),
  }) satisfies fc.Arbitrary<RoutingLine>;

const linesArb = fc
  .integer({ min: 0, max: 6 })
  .chain((count) => fc.tuple(...Array.from({ length: count }, (_, index) => lineArb(index))));

const locationsArb = fc.subarray(LOCATION_IDS, { minLength: 1 }).chain((ids) =>
  fc.tuple(
    ...ids.map(
      (locationId) =>
        fc.record({
          locationId: fc.constant(locationId),
          fulfillmentConnectionId: fc.constantFrom(...CONNECTIONS),
          country: fc.option(fc.constantFrom(...COUNTRIES)),
          coordinates: fc.option(
            fc.record({
              latitude: fc.double({ min: -80, max: 80, noNaN: true }),
              longitude: fc.double({ min: -179, max: 179, noNaN: true }),
            }),
          ),
          priority: fc.option(fc.integer({ min: 1, max: 5 })),
          safetyStock: fc.integer({ min: 0, max: 2 }),
          available: fc.record(Object.fromEntries(SKUS.map((sku) => [sku, fc.integer({ min: 0, max: 8 })]))),
          active: fc.boolean(),
        }) satisfies fc.Arbitrary<RoutingLocation>,
    ),
  ),
);

const conditionArb: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ type: fc.constant('sku' as const), in: fc.subarray(SKUS, { minLength: 1 }) }),
  fc.record({
    type: fc.constant('destination_country' as const),
    in: fc.subarray(COUNTRIES, { minLength: 1 }),
  }),
  fc.record({ type: fc.constant('product_tag' as const), in: fc.constant(['pre-order'] as string[]) }),
  fc.record({
    type: fc.constant('order_value' as const),
    currency: fc.constant('EUR'),
    atLeastMinor: fc.integer({ min: 0, max: 60_000 }),
  }),
  fc.record({ type: fc.constant('line_count' as const), min: fc.integer({ min: 0, max: 4 }) }),
  fc.record({
    type: fc.constant('time_window' as const),
    days: fc.subarray(['mon', 'tue', 'wed', 'sat'] as const, { minLength: 1 }),
  }),
);

const routeAction = fc.record(
  {
    type: fc.constant('route' as const),
    locationIds: fc.subarray(LOCATION_IDS, { minLength: 1 }),
    connectionIds: fc.subarray(CONNECTIONS, { minLength: 1 }),
    strategy: fc.shuffledSubarray([...STRATEGIES], { minLength: 1 }),
    allowSplit: fc.boolean(),
    safetyStock: fc.integer({ min: 0, max: 2 }),
    ifUnfilled: fc.constantFrom('next_rule' as const, 'unfillable' as const),
  },
  { requiredKeys: ['type'] },
);

const ruleArb = (index: number): fc.Arbitrary<Rule> =>
  fc
    .record(
      {
        id: fc.constant(`rule-${index}`),
        enabled: fc.boolean(),
        when: fc.oneof(
          conditionArb,
          fc.record({
            type: fc.constant('any' as const),
            of: fc.array(conditionArb, { minLength: 1, maxLength: 3 }),
          }),
        ),
        lines: fc.record({ type: fc.constant('sku' as const), in: fc.subarray(SKUS, { minLength: 1 }) }),
        action: fc.oneof(
          routeAction,
          fc.record(
            {
              type: fc.constant('hold' as const),
              reason: fc.constantFrom(...HOLD_REASONS),
              durationMinutes: fc.integer({ min: 1, max: 600 }),
            },
            { requiredKeys: ['type', 'reason'] },
          ),
          fc.record({
            type: fc.constant('exclude' as const),
            locationIds: fc.subarray(LOCATION_IDS, { minLength: 1 }),
          }),
        ),
      },
      { requiredKeys: ['id', 'action'] },
    )
    .map((rule) => (rule.action.type === 'exclude' ? { ...rule, lines: undefined } : rule));

const ruleSetArb: fc.Arbitrary<RuleSet | null> = fc.option(
  fc
    .integer({ min: 0, max: 5 })
    .chain((count) => fc.tuple(...Array.from({ length: count }, (_, index) => ruleArb(index))))
    .map((list) => ({
      version: 1,
      definition: JSON.parse(JSON.stringify({ timeZone: 'Europe/Berlin', rules: list })),
    }))
    .filter((ruleSet) => validateRuleSet(ruleSet.definition).ok),
);

const inputArb: fc.Arbitrary<RoutingInput> = fc
  .record({
    lines: linesArb,
    locations: locationsArb,
    ruleSet: ruleSetArb,
    excludedLocationIds: fc.subarray(LOCATION_IDS),
    country: fc.constantFrom(...COUNTRIES),
    totalMinor: fc.integer({ min: 0, max: 100_000 }),
    placedAt: fc.date({
      min: new Date('2026-01-01T00:00:00Z'),
      max: new Date('2026-12-31T00:00:00Z'),
      noInvalidDate: true,
    }),
  })
  .map(({ lines, locations, ruleSet, excludedLocationIds, country, totalMinor, placedAt }) => ({
    order: {
      orderId: 'order-1',
      storefrontConnectionId: 'shop-1',
      placedAt: placedAt.toISOString(),
      currency: 'EUR',
      totalMinor,
      shippingMethod: null,
      tags: [],
      customerTags: [],
      destination: { country, region: null, postalCode: null, coordinates: null },
      lines,
    },
    locations,
    ruleSet,
    now: placedAt.toISOString(),
    excludedLocationIds,
  }));

function shuffle<T>(values: readonly T[], random: readonly number[]): T[] {
  const copy = [...values];
  for (let index = copy.length - 1; index > 0; index--) {
    const swap = Math.floor((random[index % random.length] ?? 0) * (index + 1));
    [copy[index], copy[swap]] = [copy[swap] as T, copy[index] as T];
  }
  return copy;
}

const RUNS = { numRuns: 400 };

describe('routing invariants', () => {
  it('routes every shippable unit exactly once, or holds or parks it with a reason', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const { plan } = planOrder(input);
        for (const line of input.order.lines) {
          const sent = plan.shipments.flatMap((s) => s.lines).filter((l) => l.lineId === line.lineId);
          const held = plan.holds.flatMap((h) => h.lines).filter((l) => l.lineId === line.lineId);
          const parked = plan.unfillable.filter((l) => l.lineId === line.lineId);
          const total = [...sent, ...held, ...parked].reduce((sum, l) => sum + l.quantity, 0);
          if (line.shippable && line.quantity > 0) {
            expect(total).toBe(line.quantity);
            expect(plan.notRouted.some((l) => l.lineId === line.lineId)).toBe(false);
          } else {
            expect(total).toBe(0);
            expect(plan.notRouted.filter((l) => l.lineId === line.lineId)).toHaveLength(1);
          }
        }
        for (const hold of plan.holds) expect(HOLD_REASONS).toContain(hold.reason);
        for (const parked of plan.unfillable) {
          expect(parked.quantity).toBeGreaterThan(0);
          expect(parked.shortfall).toBeLessThanOrEqual(parked.quantity);
          expect(parked.reason).toMatch(/^(insufficient_stock|no_eligible_location|split_not_allowed)$/);
        }
        for (const shipment of plan.shipments)
          for (const l of shipment.lines) expect(l.quantity).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });

  it('never sends a location more than it can promise after safety stock', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const { plan } = planOrder(input);
        for (const shipment of plan.shipments) {
          const location = input.locations.find(
            (l) => l.locationId === shipment.locationId,
          ) as RoutingLocation;
          expect(shipment.fulfillmentConnectionId).toBe(location.fulfillmentConnectionId);
          for (const sku of SKUS) {
            const sent = shipment.lines.filter((l) => l.sku === sku).reduce((sum, l) => sum + l.quantity, 0);
            expect(sent).toBeLessThanOrEqual(
              Math.max(0, (location.available[sku] ?? 0) - location.safetyStock),
            );
          }
        }
        expect(new Set(plan.shipments.map((s) => s.locationId)).size).toBe(plan.shipments.length);
      }),
      RUNS,
    );
  });

  it('never sends anything to an excluded or inactive location, nor lines that do not ship', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const { plan } = planOrder(input);
        const closed = new Set(input.locations.filter((l) => !l.active).map((l) => l.locationId));
        const notShipping = new Set(input.order.lines.filter((l) => !l.shippable).map((l) => l.lineId));
        for (const shipment of plan.shipments) {
          expect(input.excludedLocationIds).not.toContain(shipment.locationId);
          expect(closed.has(shipment.locationId)).toBe(false);
          for (const l of shipment.lines) expect(notShipping.has(l.lineId)).toBe(false);
        }
      }),
      RUNS,
    );
  });

  it('gives the same plan and decision for the same inputs, in whatever order lines and locations come', () => {
    fc.assert(
      fc.property(
        inputArb,
        fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 8, maxLength: 8 }),
        (input, random) => {
          const first = planOrder(input);
          expect(planOrder(input)).toEqual(first);
          const shuffled = planOrder({
            ...input,
            order: { ...input.order, lines: shuffle(input.order.lines, random) },
            locations: shuffle(input.locations, [...random].reverse()),
          });
          expect(shuffled).toEqual(first);
          expect(JSON.parse(JSON.stringify(first))).toEqual(first);
        },
      ),
      RUNS,
    );
  });
});
