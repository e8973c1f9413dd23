import { describe, expect, it } from 'vitest';
import { stockToPublish } from './publish-stock.ts';

describe('the stock a storefront should show', () => {
  it('sums the 3PLs’ locations, less what open orders not yet at a 3PL will take, never below zero', () => {
    expect(
      stockToPublish(
        [
          { sku: 'A', available: 5 },
          { sku: 'A', available: 3 },
          { sku: 'B', available: 1 },
          { sku: 'C', available: -2 },
        ],
        [
          { sku: 'A', quantity: 2 },
          { sku: 'B', quantity: 4 },
          { sku: 'NOT-AT-A-3PL', quantity: 1 },
        ],
        new Map(),
      ),
    ).toEqual([
      { sku: 'A', available: 6 },
      { sku: 'B', available: 0 },
      { sku: 'C', available: 0 },
    ]);
  });

  it('returns only SKUs that differ from what was last published', () => {
    expect(
      stockToPublish(
        [
          { sku: 'A', available: 5 },
          { sku: 'B', available: 7 },
        ],
        [],
        new Map([
          ['A', 5],
          ['B', 6],
        ]),
      ),
    ).toEqual([{ sku: 'B', available: 7 }]);
  });
});
