import { describe, expect, it } from 'vitest';
import { planRoute, type RoutableLine } from './plan-route.ts';

const line = (lineId: string, sku: string | null, quantity = 1, requiresShipping = true): RoutableLine => ({
  lineId,
  sku,
  quantity,
  requiresShipping,
});
const context = (stocked: string[]) => ({
  defaultFulfillmentConnectionId: '3pl-1',
  stockedSkus: new Map([['3pl-1', new Set(stocked)]]),
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
    });
  });

  it('leaves out lines that need no shipping (gift cards, digital goods)', () => {
    const plan = planRoute([line('a', 'TEE'), line('g', null, 1, false)], context(['TEE']));
    expect(plan.kind === 'ship' && plan.shipments[0]?.lines.map((l) => l.lineId)).toEqual(['a']);
  });

  it('holds an order with a SKU the 3PL does not stock, naming it', () => {
    expect(planRoute([line('a', 'TEE'), line('b', 'GHOST')], context(['TEE']))).toEqual({
      kind: 'hold',
      reason: 'unknown_sku',
      detail: { skus: ['GHOST'], fulfillmentConnectionId: '3pl-1' },
    });
  });

  it('holds when there is nothing to ship, no SKU, or no 3PL', () => {
    expect(planRoute([line('g', null, 1, false)], context([]))).toMatchObject({
      kind: 'hold',
      reason: 'nothing_to_ship',
    });
    expect(planRoute([line('a', null)], context([]))).toMatchObject({ kind: 'hold', reason: 'missing_sku' });
    expect(
      planRoute([line('a', 'TEE')], { defaultFulfillmentConnectionId: null, stockedSkus: new Map() }),
    ).toMatchObject({
      kind: 'hold',
      reason: 'no_fulfillment_connection',
    });
  });
});
