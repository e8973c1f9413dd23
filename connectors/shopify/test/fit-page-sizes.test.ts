/** Page sizes cut to the shop's cost bucket: outer pages first, each to the largest that fits. */
import { describe, expect, it } from 'vitest';
import { fitPageSizes } from '../fit-page-sizes.ts';
import { orderFulfillmentState } from '../graphql/fulfillment-orders.ts';

const costOf = (sizes: Record<string, number>) => orderFulfillmentState.costOf(sizes);
const usual = orderFulfillmentState.pageSizes;

describe('fitting page sizes to a cost bucket', () => {
  it('keeps the usual sizes when they fit, or while the bucket is not known', () => {
    expect(fitPageSizes(usual, costOf, 2000)).toEqual({ sizes: usual, fits: true });
    expect(fitPageSizes(usual, costOf, null)).toEqual({ sizes: usual, fits: true });
  });

  it('cuts the outer connection first, keeping each fulfillment order’s lines whole', () => {
    expect(costOf(usual)).toBeGreaterThan(500); // five fulfillment orders of fifty lines
    const fitted = fitPageSizes(usual, costOf, 200);
    expect(fitted).toEqual({ sizes: { fulfillmentOrders: 1, lines: 50 }, fits: true });
    expect(costOf(fitted.sizes)).toBeLessThanOrEqual(200);
    expect(costOf({ fulfillmentOrders: 2, lines: 50 })).toBeGreaterThan(200);
  });

  it('then the inner one, to the largest page that fits', () => {
    const { sizes, fits } = fitPageSizes(usual, costOf, 60);
    expect(fits).toBe(true);
    expect(sizes.fulfillmentOrders).toBe(1);
    expect(costOf(sizes)).toBeLessThanOrEqual(60);
    expect(costOf({ ...sizes, lines: (sizes.lines ?? 0) + 1 })).toBeGreaterThan(60);
  });

  it('says so when not even one item a page fits, and gives the smallest pages', () => {
    expect(fitPageSizes(usual, costOf, 5)).toEqual({
      sizes: { fulfillmentOrders: 1, lines: 1 },
      fits: false,
    });
  });
});
