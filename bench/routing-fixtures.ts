/**
 * Realistic routing inputs from a seeded generator: four locations (two in the EU, two in the US),
 * a catalogue of 300 SKUs with some scarce ones, and orders spread over 30 days to destinations on
 * both sides of the Atlantic. The same seed gives the same data, so figures compare across runs.
 */
import type { RoutingLocation, RoutingOrder } from '../src/routing/routing-model.ts';
import type { RuleSet } from '../src/routing/rules-schema.ts';

/** mulberry32: small, fast, and good enough to make plausible shop data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SKUS = Array.from({ length: 300 }, (_, index) => `SKU-${String(index).padStart(4, '0')}`);

export function benchLocations(random = seededRandom(7)): RoutingLocation[] {
  const sites = [
    { locationId: 'eu-ams', country: 'NL', coordinates: { latitude: 52.37, longitude: 4.9 }, priority: 1 },
    { locationId: 'eu-waw', country: 'PL', coordinates: { latitude: 52.23, longitude: 21.01 }, priority: 2 },
    { locationId: 'us-nj', country: 'US', coordinates: { latitude: 40.73, longitude: -74.17 }, priority: 1 },
    { locationId: 'us-nv', country: 'US', coordinates: { latitude: 36.17, longitude: -115.14 }, priority: 2 },
  ];
  return sites.map((site) => ({
    ...site,
    fulfillmentConnectionId: site.locationId.startsWith('eu') ? 'conn-eu-3pl' : 'conn-us-3pl',
    safetyStock: 2,
    active: true,
    // Most SKUs are well stocked; one in ten is scarce, one in forty missing, per location.
    available: Object.fromEntries(
      SKUS.map((sku) => {
        const roll = random();
        return [
          sku,
          roll < 0.025 ? 0 : roll < 0.125 ? Math.floor(random() * 20) : 100 + Math.floor(random() * 400),
        ];
      }),
    ),
  }));
}

const DESTINATIONS = [
  { country: 'US', weight: 40, regions: ['CA', 'NY', 'TX', 'FL', 'WA', 'IL'] },
  { country: 'DE', weight: 15, regions: ['BE', 'BY', 'HH'] },
  { country: 'FR', weight: 10, regions: ['IDF', 'ARA'] },
  { country: 'GB', weight: 10, regions: ['ENG', 'SCT'] },
  { country: 'NL', weight: 8, regions: ['NH', 'ZH'] },
  { country: 'CA', weight: 7, regions: ['ON', 'BC', 'QC'] },
  { country: 'PL', weight: 5, regions: ['MZ'] },
  { country: 'AU', weight: 5, regions: ['NSW', 'VIC'] },
];
const TOTAL_WEIGHT = DESTINATIONS.reduce((sum, destination) => sum + destination.weight, 0);

export function benchOrders(count: number, random = seededRandom(42)): RoutingOrder[] {
  const start = Date.parse('2026-02-01T00:00:00Z');
  const span = 30 * 24 * 3600 * 1000;
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)] as T;
  return Array.from({ length: count }, (_, index) => {
    const roll = random() * TOTAL_WEIGHT;
    let cumulative = 0;
    const destination =
      DESTINATIONS.find((candidate) => {
        cumulative += candidate.weight;
        return roll < cumulative;
      }) ?? DESTINATIONS[0]!;
    const lineCount = 1 + Math.floor(random() ** 2 * 5);
    const lines = Array.from({ length: lineCount }, (_, lineIndex) => {
      const giftCard = random() < 0.04;
      // Popular SKUs sell more: a skewed pick over the catalogue.
      const sku = giftCard ? 'GIFT-CARD' : (SKUS[Math.floor(random() ** 2 * SKUS.length)] as string);
      return {
        lineId: `${index}-${lineIndex}`,
        sku,
        quantity: 1 + Math.floor(random() ** 3 * 4),
        shippable: !giftCard,
        productTags: random() < 0.1 ? ['fragile'] : random() < 0.05 ? ['pre-order'] : [],
        unitPriceMinor: 500 + Math.floor(random() * 20_000),
      };
    });
    const totalMinor = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceMinor, 0);
    return {
      orderId: `order-${String(index).padStart(6, '0')}`,
      storefrontConnectionId: random() < 0.7 ? 'shopify-1' : 'woo-1',
      placedAt: new Date(start + Math.floor(random() * span)).toISOString(),
      currency: destination.country === 'US' ? 'USD' : 'EUR',
      totalMinor,
      shippingMethod: random() < 0.2 ? 'express' : 'standard',
      tags: random() < 0.03 ? ['vip'] : [],
      customerTags: random() < 0.05 ? ['wholesale'] : [],
      destination: {
        country: destination.country,
        region: pick(destination.regions),
        postalCode: String(10_000 + Math.floor(random() * 89_999)),
        coordinates: null,
      },
      lines,
    };
  });
}

/** Today's rules: EU destinations from EU locations, the rest from the US, fewest shipments. */
export const LIVE_RULES: RuleSet = {
  version: 3,
  definition: {
    timeZone: 'Europe/Amsterdam',
    rules: [
      {
        id: 'eu-from-eu',
        when: { type: 'destination_country', in: ['DE', 'FR', 'NL', 'PL', 'GB'] },
        action: {
          type: 'route',
          connectionIds: ['conn-eu-3pl'],
          strategy: ['ship_complete_first', 'priority'],
        },
      },
      {
        id: 'rest-from-us',
        action: {
          type: 'route',
          connectionIds: ['conn-us-3pl'],
          strategy: ['ship_complete_first', 'closest'],
        },
      },
    ],
  },
};

/** A candidate: holds, a weekend rule, closest-first for express, cheapest for the rest. */
export const CANDIDATE_RULES: RuleSet = {
  version: 4,
  definition: {
    timeZone: 'Europe/Amsterdam',
    costs: {
      currency: 'EUR',
      rows: [
        {
          locationId: 'eu-ams',
          destinationCountries: ['NL', 'DE', 'FR'],
          perShipmentMinor: 450,
          perUnitMinor: 50,
        },
        { locationId: 'eu-ams', perShipmentMinor: 1200, perUnitMinor: 80 },
        { locationId: 'eu-waw', perShipmentMinor: 600, perUnitMinor: 40 },
        { locationId: 'us-nj', perShipmentMinor: 900, perUnitMinor: 60 },
        { locationId: 'us-nv', perShipmentMinor: 800, perUnitMinor: 60 },
      ],
    },
    rules: [
      {
        id: 'high-value',
        when: {
          type: 'any',
          of: [
            { type: 'order_value', currency: 'EUR', atLeastMinor: 150_000 },
            { type: 'order_value', currency: 'USD', atLeastMinor: 160_000 },
          ],
        },
        action: { type: 'hold', reason: 'high_value', durationMinutes: 120 },
      },
      {
        id: 'pre-orders',
        lines: { type: 'product_tag', in: ['pre-order'] },
        action: { type: 'hold', reason: 'pre_order' },
      },
      {
        id: 'no-wholesale-from-nv',
        when: { type: 'customer_tag', in: ['wholesale'] },
        action: { type: 'exclude', locationIds: ['us-nv'] },
      },
      {
        id: 'express-closest',
        when: {
          type: 'all',
          of: [
            { type: 'shipping_method', in: ['express'] },
            { type: 'not', condition: { type: 'time_window', days: ['sat', 'sun'] } },
          ],
        },
        action: { type: 'route', strategy: ['closest'], allowSplit: false },
      },
      {
        id: 'eu-cheapest',
        when: { type: 'destination_country', in: ['DE', 'FR', 'NL', 'PL', 'GB'] },
        action: {
          type: 'route',
          connectionIds: ['conn-eu-3pl'],
          strategy: ['ship_complete_first', 'cheapest'],
          safetyStock: 1,
        },
      },
      {
        id: 'americas',
        when: { type: 'destination_country', in: ['US', 'CA'] },
        action: {
          type: 'route',
          connectionIds: ['conn-us-3pl'],
          strategy: ['ship_complete_first', 'closest'],
        },
      },
    ],
  },
};
