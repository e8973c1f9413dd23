/**
 * Shopify's Admin GraphQL limit is a leaky bucket of cost points per app and shop, and the
 * bucket's size and restore rate depend on the shop's plan. So the limiter learns them from
 * `extensions.cost.throttleStatus` on every answer, and before each call reserves the call's
 * estimated cost: a call that does not fit is not sent. A short wait is taken in process; a
 * longer one becomes a RetryableError with `retryAfterMs`, so the hub reschedules the job instead
 * of holding a worker.
 *
 * One process, one bucket per shop (a module-level map). Several hub processes share Shopify's
 * bucket without knowing of each other; THROTTLED answers then reschedule the overflow.
 */
import { RetryableError } from '../../src/sdk/index.ts';

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface Bucket {
  /** False until Shopify first reported the bucket: until then, one call at a time. */
  known: boolean;
  maximumAvailable: number;
  /** Points at `observedAt`, as Shopify last reported them. */
  available: number;
  restoreRate: number;
  observedAt: number;
  /** Points promised to calls in flight: not yet charged by Shopify, but about to be. */
  reserved: number;
}

/**
 * Until a shop's first answer, assume a small bucket (Shopify's Standard plans restore 100 points
 * a second; older shops were seen with 1,000-point buckets restoring 50), and send one call at a
 * time: a burst sized on a guess could overrun a smaller real bucket.
 */
const UNKNOWN_SHOP: ThrottleStatus = { maximumAvailable: 1000, currentlyAvailable: 1000, restoreRate: 50 };
/** Waits up to this long in process; anything longer goes back to the job queue. */
export const MAX_IN_PROCESS_WAIT_MS = 1000;
/** How often a call waiting for a shop's first answer looks again. */
const FIRST_ANSWER_POLL_MS = 25;

const buckets = new Map<string, Bucket>();

function bucketOf(shop: string, now: number): Bucket {
  let bucket = buckets.get(shop);
  if (!bucket) {
    bucket = {
      known: false,
      maximumAvailable: UNKNOWN_SHOP.maximumAvailable,
      available: UNKNOWN_SHOP.currentlyAvailable,
      restoreRate: UNKNOWN_SHOP.restoreRate,
      observedAt: now,
      reserved: 0,
    };
    buckets.set(shop, bucket);
  }
  return bucket;
}

function refilled(bucket: Bucket, now: number): number {
  const elapsed = Math.max(0, now - bucket.observedAt) / 1000;
  return Math.min(bucket.maximumAvailable, bucket.available + elapsed * bucket.restoreRate);
}

/** How long until `cost` points are free for a new call, in milliseconds (0: now). */
export function waitFor(shop: string, cost: number, now = Date.now()): number {
  const bucket = bucketOf(shop, now);
  if (!bucket.known && bucket.reserved > 0) return FIRST_ANSWER_POLL_MS;
  const free = refilled(bucket, now) - bucket.reserved;
  // A call larger than the bucket can only ever run with the bucket full.
  const needed = Math.min(cost, bucket.maximumAvailable);
  if (free >= needed) return 0;
  return Math.ceil(((needed - free) / bucket.restoreRate) * 1000);
}

export interface Reservation {
  release(status: ThrottleStatus | null, now?: number): void;
}

/**
 * Reserves `cost` points for one call, or throws RetryableError('throttled') saying when to come
 * back. Every reservation must be released, with the answer's throttle status when there is one.
 * A call in the middle of a multi-call operation (the next page of a read) may wait longer
 * (`maxWaitMs`): giving the job back would throw away the pages already read, and on a small
 * bucket the next attempt would run out at the same page again.
 */
export async function reserve(
  shop: string,
  cost: number,
  context: Record<string, unknown> = {},
  maxWaitMs = MAX_IN_PROCESS_WAIT_MS,
): Promise<Reservation> {
  const deadline = Date.now() + maxWaitMs;
  let wait = waitFor(shop, cost);
  while (wait > 0 && Date.now() + wait <= deadline) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait = waitFor(shop, cost);
  }
  if (wait > 0) {
    throw new RetryableError(
      'throttled',
      `the shop's API budget is spent; ${cost} points free in ${wait} ms`,
      { ...context, shop, cost },
      wait,
    );
  }
  const bucket = bucketOf(shop, Date.now());
  bucket.reserved += cost;
  let released = false;
  return {
    release(status, now = Date.now()) {
      if (released) return;
      released = true;
      bucket.reserved = Math.max(0, bucket.reserved - cost);
      if (status) observe(shop, status, now);
    },
  };
}

/** Takes Shopify's word for the bucket: it includes every call of the app, from other processes too. */
export function observe(shop: string, status: ThrottleStatus, now = Date.now()): void {
  const bucket = bucketOf(shop, now);
  bucket.known = true;
  bucket.maximumAvailable = status.maximumAvailable;
  bucket.restoreRate = Math.max(1, status.restoreRate);
  bucket.available = Math.min(status.currentlyAvailable, status.maximumAvailable);
  bucket.observedAt = now;
}

/**
 * The shop's bucket size as Shopify last reported it, or null before its first answer: what one
 * query may cost at most, so callers can page smaller on a small bucket.
 */
export function bucketCapacity(shop: string): number | null {
  const bucket = buckets.get(shop);
  return bucket?.known ? bucket.maximumAvailable : null;
}

/** How long a THROTTLED call must wait for its requested cost, from the status it came with. */
export function throttledRetryAfterMs(requestedCost: number, status: ThrottleStatus | null): number {
  if (!status) return 1000;
  const missing = Math.max(0, requestedCost - status.currentlyAvailable);
  return Math.max(250, Math.ceil((missing / Math.max(1, status.restoreRate)) * 1000));
}

/** Forgets a shop (after an uninstall) or every shop (between tests). */
export function forgetBuckets(shop?: string): void {
  if (shop) buckets.delete(shop);
  else buckets.clear();
}
