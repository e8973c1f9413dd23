/**
 * Publishing the 3PL's stock to Shopify with inventorySetQuantities: compare-and-set on what we
 * last saw, an idempotency key that a retry of the same write reuses, only the SKUs that changed,
 * batched; and the echo of our own write ignored.
 */
import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../../src/sdk/index.ts';
import { publishShopifyStock, REFERENCE_PREFIX } from '../publish-stock.ts';
import { stockEventsFromWebhook } from '../stock-webhook.ts';
import { testDeps } from './helpers/connector-deps.ts';
import { testContext } from './helpers/context.ts';
import { FakeShop } from './helpers/fake-shop.ts';
import { SHOP } from './helpers/fixtures.ts';
import { isolateShopify } from './helpers/isolation.ts';

isolateShopify();

function setUp() {
  const shop = new FakeShop(SHOP).start();
  shop.tokens.add('shpat_initial');
  const location = shop.addLocation();
  const context = testContext({
    state: { fulfillmentServiceId: 'gid://shopify/FulfillmentService/1', locationId: location },
  });
  return { shop, location, context, deps: testDeps() };
}

const writes = (shop: FakeShop) => shop.callsOf('inventorySetQuantities');

describe('publishing stock', () => {
  it('sets available at the hub’s location from what it read, with a key and a reference naming the hub', async () => {
    const { shop, location, context, deps } = setUp();
    const tee = shop.addInventoryItem('SBX-TEE-S', { [location]: 4 });
    const mug = shop.addInventoryItem('SBX-MUG', { [location]: 0 });
    await publishShopifyStock(
      deps,
      context,
      [
        { sku: 'SBX-TEE-S', available: 120 },
        { sku: 'SBX-MUG', available: 35 },
      ],
      { idempotencyKey: 'job-1' },
    );

    expect(tee.available.get(location)).toBe(120);
    expect(mug.available.get(location)).toBe(35);
    const [write] = writes(shop);
    expect(write?.variables.input).toEqual({
      name: 'available',
      reason: 'correction',
      referenceDocumentUri: `${REFERENCE_PREFIX}job-1`,
      quantities: [
        { inventoryItemId: tee.id, locationId: location, quantity: 120, changeFromQuantity: 4 },
        { inventoryItemId: mug.id, locationId: location, quantity: 35, changeFromQuantity: 0 },
      ],
    });
    expect(write?.idempotencyKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(context.state.inventory).toEqual({
      'SBX-TEE-S': { itemId: tee.id, available: 120 },
      'SBX-MUG': { itemId: mug.id, available: 35 },
    });
    expect(shop.problems).toEqual([]);
  });

  it('writes only SKUs that changed, and nothing when nothing did', async () => {
    const { shop, location, context, deps } = setUp();
    shop.addInventoryItem('SBX-TEE-S', { [location]: 10 });
    shop.addInventoryItem('SBX-MUG', { [location]: 5 });
    await publishShopifyStock(
      deps,
      context,
      [
        { sku: 'SBX-TEE-S', available: 10 },
        { sku: 'SBX-MUG', available: 6 },
      ],
      { idempotencyKey: 'job-1' },
    );
    expect(writes(shop)[0]?.variables.input.quantities.map((row: any) => row.quantity)).toEqual([6]);
    await publishShopifyStock(deps, context, [{ sku: 'SBX-MUG', available: 6 }], { idempotencyKey: 'job-2' });
    expect(writes(shop)).toHaveLength(1);
    // What we last saw is remembered: the second publication read nothing.
    expect(shop.callsOf('inventoryItems')).toHaveLength(1);
  });

  it('reuses the idempotency key when the same write is retried after a lost answer: applied once', async () => {
    const { shop, location, context, deps } = setUp();
    const tee = shop.addInventoryItem('SBX-TEE-S', { [location]: 4 });
    // An earlier publication left us knowing the item and its count (nothing to write then).
    await publishShopifyStock(deps, context, [{ sku: 'SBX-TEE-S', available: 4 }], {
      idempotencyKey: 'job-6',
    });
    shop.loseAnswerOf.add('HubInventorySetQuantities');
    const levels = [{ sku: 'SBX-TEE-S', available: 50 }];
    const first = await publishShopifyStock(deps, context, levels, { idempotencyKey: 'job-7' }).catch(
      (error: unknown) => error,
    );
    expect(first).toBeInstanceOf(RetryableError); // Shopify applied it, but we never heard
    expect(tee.available.get(location)).toBe(50);

    await publishShopifyStock(deps, context, levels, { idempotencyKey: 'job-7' }); // the job's retry
    const [lost, retried] = writes(shop);
    expect(retried?.idempotencyKey).toBe(lost?.idempotencyKey);
    expect(retried?.variables).toEqual(lost?.variables);
    expect(shop.appliedInventoryWrites).toBe(1);
  });

  it('keeps the key across a THROTTLED answer, which the job reschedules', async () => {
    const { shop, location, context, deps } = setUp();
    shop.addInventoryItem('SBX-TEE-S', { [location]: 4 });
    await publishShopifyStock(deps, context, [{ sku: 'SBX-TEE-S', available: 4 }], {
      idempotencyKey: 'warm-up',
    });
    shop.throttleNext = 1;
    const error = await publishShopifyStock(deps, context, [{ sku: 'SBX-TEE-S', available: 9 }], {
      idempotencyKey: 'job-8',
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'throttled' });
    expect((error as RetryableError).retryAfterMs).toBeGreaterThan(0);
    await publishShopifyStock(deps, context, [{ sku: 'SBX-TEE-S', available: 9 }], {
      idempotencyKey: 'job-8',
    });
    const attempts = shop.calls.filter((call) => call.rootFields.includes('inventorySetQuantities'));
    expect(attempts.map((call) => call.outcome)).toEqual(['throttled', 'ok']);
    expect(attempts[0]?.variables.idempotencyKey).toBe(attempts[1]?.variables.idempotencyKey);
  });

  it('re-reads and writes again when changeFromQuantity is stale (someone changed the count)', async () => {
    const { shop, location, context, deps } = setUp();
    const tee = shop.addInventoryItem('SBX-TEE-S', { [location]: 10 });
    await publishShopifyStock(deps, context, [{ sku: 'SBX-TEE-S', available: 10 }], {
      idempotencyKey: 'job-1',
    });
    tee.available.set(location, 7); // the merchant sold or counted some in the admin meanwhile

    await publishShopifyStock(deps, context, [{ sku: 'SBX-TEE-S', available: 30 }], {
      idempotencyKey: 'job-2',
    });
    const [stale, fresh] = writes(shop);
    expect(stale?.variables.input.quantities[0].changeFromQuantity).toBe(10);
    expect(fresh?.variables.input.quantities[0].changeFromQuantity).toBe(7);
    expect(fresh?.idempotencyKey).not.toBe(stale?.idempotencyKey); // a different write, a new key
    expect(tee.available.get(location)).toBe(30);
    expect(shop.callsOf('inventoryItems')).toHaveLength(2); // the first read, and the re-read
  });

  it('batches 250 rows a write and 50 SKUs a lookup; skips SKUs not stocked at the location', async () => {
    const { shop, location, context, deps } = setUp();
    const skus = Array.from({ length: 300 }, (_, index) => `SKU-${String(index).padStart(3, '0')}`);
    for (const sku of skus) shop.addInventoryItem(sku, { [location]: 0 });
    shop.addInventoryItem('ELSEWHERE', { 'gid://shopify/Location/999': 3 });
    const result = await publishShopifyStock(
      deps,
      context,
      [...skus, 'ELSEWHERE', 'NOT-IN-SHOPIFY'].map((sku) => ({ sku, available: 5 })),
      {
        idempotencyKey: 'job-big',
      },
    );
    expect(writes(shop).map((call) => call.variables.input.quantities.length)).toEqual([250, 50]);
    // An item elsewhere cannot take the count (a person can stock it here); one not sold is no failure.
    expect(result.failed).toEqual([
      {
        sku: 'ELSEWHERE',
        code: 'not_stocked_at_location',
        message: expect.any(String),
        retryable: false,
      },
    ]);
    expect(shop.callsOf('inventoryItems')).toHaveLength(7);
    expect(
      shop.inventory
        .filter((item) => item.sku.startsWith('SKU-'))
        .every((item) => item.available.get(location) === 5),
    ).toBe(true);
  });

  it('reports items that cannot take the count, and publishes the others', async () => {
    const { shop, location, context, deps } = setUp();
    const tee = shop.addInventoryItem('SBX-TEE-S', { [location]: 1 });
    shop.addInventoryItem('SBX-CAP', { [location]: 1 }, false);
    shop.addInventoryItem('SBX-MUG', { [location]: 1 });
    shop.addInventoryItem('SBX-MUG', { [location]: 2 });
    const result = await publishShopifyStock(
      deps,
      context,
      ['SBX-TEE-S', 'SBX-CAP', 'SBX-MUG', 'NOT-SOLD'].map((sku) => ({ sku, available: 8 })),
      { idempotencyKey: 'job-1' },
    );
    expect(tee.available.get(location)).toBe(8);
    expect(result.failed).toEqual([
      { sku: 'SBX-CAP', code: 'not_tracked', message: expect.any(String), retryable: false },
      { sku: 'SBX-MUG', code: 'ambiguous_sku', message: expect.any(String), retryable: false },
    ]);
    expect(writes(shop)).toHaveLength(1);
  });

  it('writes the other rows when one item is gone, and forgets it so the next attempt looks it up', async () => {
    const { shop, location, context, deps } = setUp();
    const tee = shop.addInventoryItem('SBX-TEE-S', { [location]: 1 });
    const mug = shop.addInventoryItem('SBX-MUG', { [location]: 1 });
    await publishShopifyStock(
      deps,
      context,
      [
        { sku: 'SBX-TEE-S', available: 1 },
        { sku: 'SBX-MUG', available: 1 },
      ],
      { idempotencyKey: 'warm-up' },
    );
    shop.inventory.splice(shop.inventory.indexOf(mug), 1); // the merchant deleted the product

    const result = await publishShopifyStock(
      deps,
      context,
      [
        { sku: 'SBX-TEE-S', available: 6 },
        { sku: 'SBX-MUG', available: 6 },
      ],
      { idempotencyKey: 'job-2' },
    );
    expect(result.failed).toEqual([
      { sku: 'SBX-MUG', code: 'INVALID_INVENTORY_ITEM', message: expect.any(String), retryable: true },
    ]);
    expect(tee.available.get(location)).toBe(6);
    const [refused, written] = writes(shop);
    expect(refused?.variables.input.quantities).toHaveLength(2);
    expect(written?.variables.input.quantities).toEqual([
      { inventoryItemId: tee.id, locationId: location, quantity: 6, changeFromQuantity: 1 },
    ]);
    expect(written?.idempotencyKey).not.toBe(refused?.idempotencyKey);
    expect(context.state.inventory).not.toHaveProperty('SBX-MUG');
  });

  it('publishes nothing in merchant-managed mode without a stock location', async () => {
    const { shop, deps } = setUp();
    await publishShopifyStock(
      deps,
      testContext({ settings: { mode: 'merchant_managed' } }),
      [{ sku: 'X', available: 1 }],
      {
        idempotencyKey: 'k',
      },
    );
    expect(shop.calls).toEqual([]);
  });
});

describe('inventory_levels/update', () => {
  const levelAt = (location: string, itemId: string, available: number | null) => ({
    admin_graphql_api_id: `gid://shopify/InventoryLevel/${location.split('/').pop()}?inventory_item_id=${itemId.split('/').pop()}`,
    available,
    updated_at: '2026-11-20T10:00:00-05:00',
  });

  it('ignores the echo of our own write, and reports a change made in Shopify', async () => {
    const { shop, location, context, deps } = setUp();
    const tee = shop.addInventoryItem('SBX-TEE-S', { [location]: 4 });
    await publishShopifyStock(deps, context, [{ sku: 'SBX-TEE-S', available: 20 }], {
      idempotencyKey: 'job-1',
    });
    expect(await stockEventsFromWebhook(deps, context, levelAt(location, tee.id, 20))).toEqual([]);
    expect(await stockEventsFromWebhook(deps, context, levelAt(location, tee.id, 18))).toEqual([
      {
        type: 'storefront.stock_changed',
        levels: [{ sku: 'SBX-TEE-S', available: 18 }],
        occurredAt: '2026-11-20T10:00:00-05:00',
      },
    ]);
    // What Shopify now has is the next write's changeFromQuantity.
    expect((context.state.inventory as any)['SBX-TEE-S'].available).toBe(18);
  });

  it('looks an unknown item’s SKU up; ignores other locations and null quantities', async () => {
    const { shop, location, context, deps } = setUp();
    const cap = shop.addInventoryItem('SBX-CAP', { [location]: 2 });
    expect(
      await stockEventsFromWebhook(deps, context, levelAt('gid://shopify/Location/24826418', cap.id, 9)),
    ).toEqual([]);
    expect(await stockEventsFromWebhook(deps, context, levelAt(location, cap.id, null))).toEqual([]);
    expect(await stockEventsFromWebhook(deps, context, levelAt(location, cap.id, 9))).toMatchObject([
      { type: 'storefront.stock_changed', levels: [{ sku: 'SBX-CAP', available: 9 }] },
    ]);
    expect(shop.callsOf('inventoryItem')).toHaveLength(1);
  });
});
