import { describe, expect, it } from 'vitest';
import { planRoute, type RoutableLine, type RoutingContext } from './plan-route.ts';
import {
  buildSkuMap,
  EMPTY_SKU_MAP,
  type SkuMapEntry,
  type UnidentifiedLinePolicy,
} from './resolve-lines.ts';

const line = (lineId: string, sku: string | null, quantity = 1, requiresShipping = true): RoutableLine => ({
  lineId,
  sku,
  quantity,
  requiresShipping,
});
const context = (
  stocked: string[],
  policy: UnidentifiedLinePolicy = 'hold',
  entries: SkuMapEntry[] = [],
): RoutingContext => ({
  defaultFulfillmentConnectionId: '3pl-1',
  stockedSkus: new Map([['3pl-1', new Set(stocked)]]),
  storefrontConnectionId: 'shop-1',
  skuMap: entries.length ? buildSkuMap(entries) : EMPTY_SKU_MAP,
  policy,
});

describe('routing v0', () => {
  it('sends every shippable line to the default 3PL', () => {
    const plan = planRoute([line('a', 'TEE', 2), line('b', 'MUG')], context(['TEE', 'MUG']));
    expect(plan).toEqual({
      kind: 'ship',
      shipments: [
        {
          fulfillmentConnectionId: '3pl-1',
          lines: [
            { lineId: 'a', sku: 'TEE', quantity: 2 },
            { lineId: 'b', sku: 'MUG', quantity: 1 },
          ],
        },
      ],
      held: [],
      skipped: [],
      doNotShip: [],
    });
  });

  it('leaves out lines that need no shipping (gift cards, digital goods)', () => {
    const plan = planRoute([line('a', 'TEE'), line('g', null, 1, false)], context(['TEE']));
    expect(plan.kind === 'ship' && plan.shipments[0]?.lines.map((l) => l.lineId)).toEqual(['a']);
  });

  it('holds an order with a SKU the 3PL does not stock, naming it', () => {
    expect(planRoute([line('a', 'TEE'), line('b', 'GHOST')], context(['TEE']))).toMatchObject({
      kind: 'hold',
      reason: 'unknown_sku',
      detail: { skus: ['GHOST'], lineIds: ['b'], fulfillmentConnectionId: '3pl-1' },
      unidentified: [{ lineId: 'b', why: 'unknown_sku', fulfillmentSku: 'GHOST' }],
    });
  });

  it('holds when there is nothing to ship, no SKU, or no 3PL', () => {
    expect(planRoute([line('g', null, 1, false)], context([]))).toMatchObject({
      kind: 'hold',
      reason: 'nothing_to_ship',
    });
    expect(planRoute([line('a', null)], context([]))).toMatchObject({ kind: 'hold', reason: 'missing_sku' });
    expect(
      planRoute([line('a', 'TEE')], { ...context([]), defaultFulfillmentConnectionId: null }),
    ).toMatchObject({ kind: 'hold', reason: 'no_fulfillment_connection' });
  });
});

describe('routing with the SKU map and the line policy', () => {
  // The order: two SKU lines, a gift card, and a hand-made card without a SKU.
  const order = [
    line('tee', 'TEE', 2),
    line('mug', 'MUG'),
    line('gift', null, 1, false),
    { ...line('card', null), sourceProductId: 'p-7', sourceVariantId: 'v-70' },
  ];

  it('holds the whole order by default, naming the SKU-less line', () => {
    expect(planRoute(order, context(['TEE', 'MUG']))).toMatchObject({
      kind: 'hold',
      reason: 'missing_sku',
      detail: { lineIds: ['card'] },
      unidentified: [{ lineId: 'card', why: 'missing_sku', fulfillmentSku: null }],
    });
  });

  it('ships the identifiable lines and holds the rest as a pending part under ship_rest', () => {
    expect(planRoute(order, context(['TEE', 'MUG'], 'ship_rest'))).toEqual({
      kind: 'ship',
      shipments: [
        {
          fulfillmentConnectionId: '3pl-1',
          lines: [
            { lineId: 'tee', sku: 'TEE', quantity: 2 },
            { lineId: 'mug', sku: 'MUG', quantity: 1 },
          ],
        },
      ],
      held: [{ lineId: 'card', why: 'missing_sku', fulfillmentSku: null }],
      skipped: [],
      doNotShip: [],
    });
  });

  it('ships the identifiable lines and leaves the rest out under skip', () => {
    const plan = planRoute(order, context(['TEE', 'MUG'], 'skip'));
    expect(plan).toMatchObject({
      kind: 'ship',
      held: [],
      skipped: [{ lineId: 'card', why: 'missing_sku' }],
    });
    expect(plan.kind === 'ship' && plan.shipments[0]?.lines.map((l) => l.lineId)).toEqual(['tee', 'mug']);
  });

  it('ships a SKU-less line under the 3PL SKU its variant is mapped to', () => {
    const plan = planRoute(
      order,
      context(['TEE', 'MUG', 'CARD-HANDMADE'], 'hold', [
        {
          kind: 'variant',
          storefrontConnectionId: 'shop-1',
          key: 'v-70',
          action: { kind: 'map', fulfillmentSku: 'CARD-HANDMADE' },
        },
      ]),
    );
    expect(plan.kind === 'ship' && plan.shipments[0]?.lines).toEqual([
      { lineId: 'tee', sku: 'TEE', quantity: 2 },
      { lineId: 'mug', sku: 'MUG', quantity: 1 },
      { lineId: 'card', sku: 'CARD-HANDMADE', quantity: 1 },
    ]);
  });

  it('leaves out a product marked "do not ship", and ships the rest', () => {
    const plan = planRoute(
      order,
      context(['TEE', 'MUG'], 'hold', [
        { kind: 'product', storefrontConnectionId: 'shop-1', key: 'p-7', action: { kind: 'do_not_ship' } },
      ]),
    );
    expect(plan).toMatchObject({ kind: 'ship', doNotShip: ['card'], held: [], skipped: [] });
  });

  it('ignores product and variant ids mapped for another storefront', () => {
    const plan = planRoute(
      order,
      context(['TEE', 'MUG'], 'hold', [
        { kind: 'product', storefrontConnectionId: 'shop-2', key: 'p-7', action: { kind: 'do_not_ship' } },
      ]),
    );
    expect(plan).toMatchObject({ kind: 'hold', reason: 'missing_sku' });
  });

  it('holds a mapped SKU the 3PL does not stock as unknown, under its 3PL name', () => {
    const plan = planRoute(
      [line('a', 'SHOP-TEE')],
      context(['TEE'], 'hold', [
        {
          kind: 'sku',
          storefrontConnectionId: null,
          key: 'SHOP-TEE',
          action: { kind: 'map', fulfillmentSku: 'TEE-2' },
        },
      ]),
    );
    expect(plan).toMatchObject({ kind: 'hold', reason: 'unknown_sku', detail: { skus: ['TEE-2'] } });
  });

  it('holds the whole order when ship_rest or skip would leave nothing to ship', () => {
    for (const policy of ['ship_rest', 'skip'] as const) {
      expect(planRoute([line('a', null), line('b', 'GHOST')], context(['TEE'], policy))).toMatchObject({
        kind: 'hold',
        reason: 'missing_sku',
        unidentified: [
          { lineId: 'a', why: 'missing_sku' },
          { lineId: 'b', why: 'unknown_sku' },
        ],
      });
    }
  });

  it('keeps a held part waiting, never holding the whole order, once the rest was sent', () => {
    const plan = planRoute([{ ...line('card', null), sourceVariantId: 'v-70' }], {
      ...context(['TEE'], 'hold'),
      partiallyRouted: true,
    });
    expect(plan).toEqual({
      kind: 'ship',
      shipments: [],
      held: [{ lineId: 'card', why: 'missing_sku', fulfillmentSku: null }],
      skipped: [],
      doNotShip: [],
    });
  });

  it('routes nothing for lines a person released the order without', () => {
    const plan = planRoute([line('tee', 'TEE'), { ...line('card', null), excluded: true }], context(['TEE']));
    expect(plan).toMatchObject({ kind: 'ship', held: [], skipped: [] });
    expect(plan.kind === 'ship' && plan.shipments[0]?.lines.map((l) => l.lineId)).toEqual(['tee']);
  });
});
