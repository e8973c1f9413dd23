/**
 * Admin GraphQL calls against a shop at the network edge (nock): throttling in both of Shopify's
 * forms (THROTTLED on HTTP 200, and 429) becomes a RetryableError with the time to come back, the
 * bucket is never overrun under load, and failures are classified.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { NeedsHumanError, RetryableError } from '../../../src/sdk/index.ts';
import { orderFulfillmentState } from '../graphql/fulfillment-orders.ts';
import { webhookSubscriptions } from '../graphql/setup.ts';
import { bucketCapacity } from '../rate-limiter.ts';
import { testDeps } from './helpers/connector-deps.ts';
import { testContext } from './helpers/context.ts';
import { FakeShop } from './helpers/fake-shop.ts';
import { paidOrder, SHOP } from './helpers/fixtures.ts';
import { isolateShopify } from './helpers/isolation.ts';

isolateShopify();

function setUp() {
  const shop = new FakeShop(SHOP).start();
  shop.tokens.add('shpat_initial');
  return { shop, deps: testDeps(), context: testContext() };
}

const list = { uri: 'https://hub.example.com/webhooks/shopify/x' };

describe('calling the Admin API', () => {
  it('answers with data shaped by the schema, and learns the bucket from it', async () => {
    const { shop, deps, context } = setUp();
    const data = await deps.admin(context, webhookSubscriptions, list);
    expect(data).toEqual({ webhookSubscriptions: { nodes: [] } });
    expect(shop.calls[0]?.accessToken).toBe('shpat_initial');
    expect(shop.problems).toEqual([]);
  });

  it('THROTTLED on HTTP 200 becomes RetryableError with retryAfterMs; the job, not a sleep, retries', async () => {
    const { shop, deps, context } = setUp();
    shop.bucket.currentlyAvailable = 0;
    const emptiedAt = Date.now();
    shop.bucket.at = emptiedAt;
    const error = await deps.admin(context, webhookSubscriptions, list).catch((caught: unknown) => caught);
    // Answered before the bucket could refill (a sleep would take 520 ms): the job, not a sleep, waits.
    const elapsed = Date.now() - emptiedAt;
    expect(elapsed).toBeLessThan(500);
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'throttled' });
    // 52 points requested, nothing available, 100 restored a second (minus what refilled meanwhile).
    const retryAfterMs = (error as RetryableError).retryAfterMs ?? 0;
    expect(retryAfterMs).toBeGreaterThanOrEqual(500 - elapsed);
    expect(retryAfterMs).toBeLessThanOrEqual(600);
    expect(shop.calls.map((call) => call.outcome)).toEqual(['throttled']);

    // Retried when the hub reschedules it (after retryAfterMs): it now succeeds.
    await new Promise((resolve) => setTimeout(resolve, retryAfterMs + 50));
    await expect(deps.admin(context, webhookSubscriptions, list)).resolves.toEqual({
      webhookSubscriptions: { nodes: [] },
    });
    expect(shop.calls.map((call) => call.outcome)).toEqual(['throttled', 'ok']);
  });

  it('does not send what the bucket cannot hold; it says when to come back', async () => {
    const { shop, deps, context } = setUp();
    shop.addOrderFromWebhook(paidOrder(), { locationId: shop.addLocation() });
    shop.bucket.currentlyAvailable = 100; // other work of the app has spent the rest
    shop.bucket.at = Date.now();
    await deps.admin(context, webhookSubscriptions, list); // learns: ~100 points left
    const error = await deps
      .admin(context, orderFulfillmentState, { id: 'gid://shopify/Order/820982911946154508' })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'throttled' });
    expect((error as RetryableError).retryAfterMs).toBeGreaterThan(1000);
    expect(shop.calls).toHaveLength(1); // the second never left
  });

  it('tells a query larger than the whole bucket from a busy bucket, and learns the bucket from the answer', async () => {
    const { shop, deps, context } = setUp();
    shop.addOrderFromWebhook(paidOrder(), { locationId: shop.addLocation() });
    shop.setBucket({ maximumAvailable: 200, restoreRate: 100 });
    const order = { id: 'gid://shopify/Order/820982911946154508' };
    const error = await deps.admin(context, orderFulfillmentState, order).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({
      code: 'cost_exceeds_bucket',
      context: { requestedCost: orderFulfillmentState.cost, maximumAvailable: 200 },
    });
    expect((error as Error).message).toMatch(/holds only 200/);
    expect(bucketCapacity(SHOP)).toBe(200);
    // The same document with smaller pages runs.
    await expect(
      deps.admin(context, orderFulfillmentState, { ...order, fulfillmentOrders: 1 }),
    ).resolves.toMatchObject({ order: { id: order.id } });
    expect(shop.calls.map((call) => call.outcome)).toEqual(['throttled', 'ok']);
  });

  it('a 429 becomes RetryableError after the Retry-After seconds', async () => {
    const { shop, deps, context } = setUp();
    shop.rateLimitNext = 1;
    const error = await deps.admin(context, webhookSubscriptions, list).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'throttled', retryAfterMs: 2000 });
  });

  it('never overruns the bucket under load: a burst is spread or given back, Shopify never throttles', async () => {
    const { shop, deps, context } = setUp();
    Object.assign(shop.bucket, {
      maximumAvailable: 300,
      currentlyAvailable: 300,
      restoreRate: 100,
      at: Date.now(),
    });
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, () =>
        deps.admin(context, webhookSubscriptions, list).then(
          () => 'ok',
          (error: unknown) =>
            error instanceof RetryableError && error.code === 'throttled' ? 'rescheduled' : String(error),
        ),
      ),
    );
    expect(shop.calls.filter((call) => call.outcome === 'throttled')).toHaveLength(0);
    expect(outcomes.filter((outcome) => outcome === 'ok').length).toBeGreaterThanOrEqual(5);
    expect(outcomes.every((outcome) => outcome === 'ok' || outcome === 'rescheduled')).toBe(true);
    expect(shop.calls.filter((call) => call.outcome === 'ok')).toHaveLength(
      outcomes.filter((outcome) => outcome === 'ok').length,
    );
  });

  it('classifies the rest: network errors retry, access denied needs a person', async () => {
    const { deps, context } = setUp();
    nock.cleanAll();
    nock(`https://${SHOP}`).post('/admin/api/2026-07/graphql.json').replyWithError('socket hang up');
    await expect(deps.admin(context, webhookSubscriptions, list)).rejects.toMatchObject({
      code: 'network_error',
    });
    nock(`https://${SHOP}`)
      .post('/admin/api/2026-07/graphql.json')
      .reply(200, {
        errors: [
          { message: 'Access denied for webhookSubscriptions field.', extensions: { code: 'ACCESS_DENIED' } },
        ],
        extensions: {
          cost: {
            requestedQueryCost: 52,
            actualQueryCost: 2,
            throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1998, restoreRate: 100 },
          },
        },
      });
    const denied = await deps.admin(context, webhookSubscriptions, list).catch((caught: unknown) => caught);
    expect(denied).toBeInstanceOf(NeedsHumanError);
    expect(denied).toMatchObject({ code: 'access_denied' });
    nock(`https://${SHOP}`).post('/admin/api/2026-07/graphql.json').reply(503, 'down');
    await expect(deps.admin(context, webhookSubscriptions, list)).rejects.toMatchObject({
      code: 'shopify_unavailable',
    });
  });
});
