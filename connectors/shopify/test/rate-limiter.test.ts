/** The per-shop cost bucket, learnt from Shopify's throttle status. */
import { beforeEach, describe, expect, it } from 'vitest';
import { RetryableError } from '../../../src/sdk/index.ts';
import {
  bucketCapacity,
  forgetBuckets,
  observe,
  reserve,
  throttledRetryAfterMs,
  waitFor,
} from '../rate-limiter.ts';

const SHOP = 'limits.myshopify.com';

describe('the cost-aware limiter', () => {
  beforeEach(() => forgetBuckets());

  it('sends one call at a time until the shop’s bucket is known', async () => {
    const first = await reserve(SHOP, 10);
    expect(waitFor(SHOP, 10)).toBeGreaterThan(0);
    first.release({ maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: 100 });
    expect(waitFor(SHOP, 10)).toBe(0);
  });

  it('reserves what calls in flight will cost, and refills at the restore rate', () => {
    const now = 1_000_000;
    observe(SHOP, { maximumAvailable: 1000, currentlyAvailable: 100, restoreRate: 50 }, now);
    expect(waitFor(SHOP, 100, now)).toBe(0);
    expect(waitFor(SHOP, 150, now)).toBe(1000); // 50 points missing at 50 a second
    expect(waitFor(SHOP, 150, now + 1000)).toBe(0);
    expect(waitFor(SHOP, 5000, now + 60_000)).toBe(0); // never more than the bucket: capped
  });

  it('waits briefly in process, and otherwise gives the job back with the time to wait', async () => {
    observe(SHOP, { maximumAvailable: 1000, currentlyAvailable: 0, restoreRate: 100 });
    const started = Date.now();
    const reservation = await reserve(SHOP, 50); // 500 ms away: waited for
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    reservation.release(null);
    const error = await reserve(SHOP, 900).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).code).toBe('throttled');
    expect((error as RetryableError).retryAfterMs).toBeGreaterThan(1000);
  });

  it('a call in the middle of an operation may wait longer than the usual second', async () => {
    observe(SHOP, { maximumAvailable: 200, currentlyAvailable: 0, restoreRate: 100 });
    await expect(reserve(SHOP, 150)).rejects.toMatchObject({ code: 'throttled' }); // 1.5 s away
    const started = Date.now();
    const reservation = await reserve(SHOP, 150, {}, 3000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    reservation.release(null);
  });

  it('knows the size of the shop’s bucket once Shopify has said it', async () => {
    expect(bucketCapacity(SHOP)).toBeNull();
    observe(SHOP, { maximumAvailable: 200, currentlyAvailable: 120, restoreRate: 10 });
    expect(bucketCapacity(SHOP)).toBe(200);
  });

  it('computes when a THROTTLED call can come back', () => {
    expect(
      throttledRetryAfterMs(500, { maximumAvailable: 2000, currentlyAvailable: 100, restoreRate: 100 }),
    ).toBe(4000);
    expect(
      throttledRetryAfterMs(50, { maximumAvailable: 2000, currentlyAvailable: 100, restoreRate: 100 }),
    ).toBe(250);
    expect(throttledRetryAfterMs(50, null)).toBe(1000);
  });
});
