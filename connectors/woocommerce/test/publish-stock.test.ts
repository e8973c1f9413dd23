import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { planStockBatches } from '../publish-stock.ts';
import { fakeContext, fixtureJson, STORE, testConnector } from './helpers/woo-test-kit.ts';

const key = { idempotencyKey: 'pub-1' };
const located = {
  'sku:PQ-TEE-19': { id: 794, parentId: null },
  'skuOf:794': 'PQ-TEE-19',
  'sku:SYI-BLACK-M': { id: 732, parentId: 22 },
  'skuOf:732': 'SYI-BLACK-M',
};

/** Answers a batch call the way WooCommerce does: the updated items, in order. */
function batchReply(body: any, overrides: Record<number, object> = {}) {
  return {
    update: body.update.map((item: any) => ({
      id: item.id,
      sku: null,
      manage_stock: true,
      stock_quantity: item.stock_quantity,
      ...overrides[item.id],
    })),
  };
}

/** nock 15 hands reply functions the request itself. */
const echoBatch = async (request: Request) => batchReply(await request.json());

describe('publishing stock', () => {
  const connector = testConnector();
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    expect(nock.pendingMocks()).toEqual([]);
    nock.cleanAll();
  });

  it('writes absolute quantities through the product and variation batch endpoints', async () => {
    const context = fakeContext({ state: { ...located } });
    const bodies: Record<string, any> = {};
    nock(STORE)
      .post('/wp-json/wc/v3/products/batch', (body) => {
        bodies.products = body;
        return true;
      })
      .reply(200, echoBatch)
      .post('/wp-json/wc/v3/products/22/variations/batch', (body) => {
        bodies.variations = body;
        return true;
      })
      .reply(200, echoBatch);
    await connector.publishStock(
      context,
      [
        { sku: 'PQ-TEE-19', available: 40 },
        { sku: 'SYI-BLACK-M', available: 0 },
      ],
      key,
    );
    expect(bodies.products).toEqual({ update: [{ id: 794, manage_stock: true, stock_quantity: 40 }] });
    expect(bodies.variations).toEqual({ update: [{ id: 732, manage_stock: true, stock_quantity: 0 }] });
  });

  it('locates SKUs it has not seen through products?sku= and remembers them; skips SKUs the store does not sell', async () => {
    const context = fakeContext();
    const variation = fixtureJson('product-variation.webhook.with-sku.json');
    nock(STORE)
      .get('/wp-json/wc/v3/products')
      .query({ sku: 'SYI-BLACK-M,NOT-SOLD-HERE', per_page: '100' })
      .reply(200, [variation])
      .post('/wp-json/wc/v3/products/22/variations/batch')
      .reply(200, echoBatch);
    await connector.publishStock(
      context,
      [
        { sku: 'SYI-BLACK-M', available: 5 },
        { sku: 'NOT-SOLD-HERE', available: 3 },
      ],
      key,
    );
    expect(context.state['sku:SYI-BLACK-M']).toEqual({ id: 732, parentId: 22 });
    expect(context.state['sku:NOT-SOLD-HERE']).toBeUndefined();
  });

  it('sends at most the batch size per call (never over WooCommerce’s 100)', async () => {
    const state: Record<string, unknown> = {};
    const levels = Array.from({ length: 120 }, (_, i) => {
      state[`sku:SKU-${i}`] = { id: 1000 + i, parentId: null };
      return { sku: `SKU-${i}`, available: i };
    });
    const sizes: number[] = [];
    nock(STORE)
      .post('/wp-json/wc/v3/products/batch', (body) => {
        sizes.push(body.update.length);
        return true;
      })
      .times(3)
      .reply(200, echoBatch);
    await connector.publishStock(fakeContext({ state }), levels, key);
    expect(sizes).toEqual([50, 50, 20]);

    const hundred: number[] = [];
    nock(STORE)
      .post('/wp-json/wc/v3/products/batch', (body) => {
        hundred.push(body.update.length);
        return true;
      })
      .times(2)
      .reply(200, echoBatch);
    await testConnector({ stockBatchSize: 500 }).publishStock(fakeContext({ state }), levels, key);
    expect(hundred).toEqual([100, 20]);
  });

  it('checks each item: a product that is gone is forgotten and reported as worth another attempt', async () => {
    const context = fakeContext({ state: { ...located } });
    nock(STORE)
      .post('/wp-json/wc/v3/products/batch')
      .reply(200, {
        update: [
          {
            id: 794,
            error: {
              code: 'woocommerce_rest_product_invalid_id',
              message: 'Invalid ID.',
              data: { status: 400 },
            },
          },
        ],
      })
      .post('/wp-json/wc/v3/products/22/variations/batch')
      .reply(200, echoBatch);
    const result = await connector.publishStock(
      context,
      [
        { sku: 'PQ-TEE-19', available: 4 },
        { sku: 'SYI-BLACK-M', available: 2 },
      ],
      key,
    );
    expect(result.failed).toEqual([
      {
        sku: 'PQ-TEE-19',
        code: 'woocommerce_rest_product_invalid_id',
        message: 'Invalid ID.',
        retryable: true,
      },
    ]);
    // The variation in the same publication was written; the product's SKU will be located again.
    expect(context.state['sku:PQ-TEE-19']).toBeNull();
    expect(context.state['sku:SYI-BLACK-M']).toEqual({ id: 732, parentId: 22 });
  });

  it('reports an item the store refuses for another reason as needing a person', async () => {
    nock(STORE)
      .post('/wp-json/wc/v3/products/batch')
      .reply(200, {
        update: [
          { id: 794, error: { code: 'woocommerce_rest_invalid_stock', message: 'Stock cannot be set.' } },
        ],
      });
    const result = await connector.publishStock(
      fakeContext({ state: { ...located } }),
      [{ sku: 'PQ-TEE-19', available: 4 }],
      key,
    );
    expect(result.failed).toEqual([
      {
        sku: 'PQ-TEE-19',
        code: 'woocommerce_rest_invalid_stock',
        message: 'Stock cannot be set.',
        retryable: false,
      },
    ]);
  });

  it('says so when the store accepts quantities but does not manage stock', async () => {
    nock(STORE)
      .post('/wp-json/wc/v3/products/batch')
      .reply(200, { update: [{ id: 794, sku: 'PQ-TEE-19', manage_stock: false, stock_quantity: null }] });
    const result = await connector.publishStock(
      fakeContext({ state: { ...located } }),
      [{ sku: 'PQ-TEE-19', available: 4 }],
      key,
    );
    expect(result.failed).toEqual([
      {
        sku: 'PQ-TEE-19',
        code: 'stock_not_managed',
        message: expect.stringContaining('Manage stock'),
        retryable: false,
      },
    ]);
  });

  it('forgets a stale SKU map entry when the store shows the product has another SKU now', async () => {
    const context = fakeContext({ state: { ...located } });
    nock(STORE)
      .post('/wp-json/wc/v3/products/batch')
      .reply(200, async (request: Request) =>
        batchReply(await request.json(), { 794: { sku: 'PQ-TEE-RENAMED' } }),
      );
    const result = await connector.publishStock(context, [{ sku: 'PQ-TEE-19', available: 4 }], key);
    expect(result.failed).toMatchObject([{ sku: 'PQ-TEE-19', code: 'sku_moved', retryable: true }]);
    expect(context.state['sku:PQ-TEE-19']).toBeNull();
  });

  it('writes the same values when the same publication is retried', async () => {
    const bodies: unknown[] = [];
    nock(STORE)
      .post('/wp-json/wc/v3/products/batch', (body) => {
        bodies.push(body);
        return true;
      })
      .times(2)
      .reply(200, echoBatch);
    for (let attempt = 0; attempt < 2; attempt++) {
      await connector.publishStock(
        fakeContext({ state: { ...located } }),
        [{ sku: 'PQ-TEE-19', available: 9 }],
        key,
      );
    }
    expect(bodies[0]).toEqual(bodies[1]);
  });

  it('groups variations by parent', () => {
    const batches = planStockBatches(
      [
        { sku: 'A', available: 1, ref: { id: 1, parentId: null } },
        { sku: 'B', available: 2.7, ref: { id: 2, parentId: 9 } },
        { sku: 'C', available: -3, ref: { id: 3, parentId: 9 } },
        { sku: 'D', available: 4, ref: { id: 4, parentId: 8 } },
      ],
      50,
    );
    expect(batches).toEqual([
      { path: 'products/batch', items: [{ sku: 'A', id: 1, available: 1 }] },
      {
        path: 'products/9/variations/batch',
        items: [
          { sku: 'B', id: 2, available: 2 },
          { sku: 'C', id: 3, available: 0 },
        ],
      },
      { path: 'products/8/variations/batch', items: [{ sku: 'D', id: 4, available: 4 }] },
    ]);
  });
});
