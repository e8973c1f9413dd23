/** The SDK's outbound contract for WooCommerce, against the stateful fake store behind nock. */
import nock from 'nock';
import { afterAll, beforeAll } from 'vitest';
import { describeStorefrontOutbound, type RemoteRefusal } from '../../../src/sdk/contract-kit.ts';
import { createFakeWooStore, type FakeWooStore } from './helpers/fake-woo-store.ts';
import { fakeContext, KEYS, STORE, testConnector } from './helpers/woo-test-kit.ts';

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.cleanAll());

const connector = testConnector();
const LINE = { sku: 'WOO-MUG', productId: 93, quantity: 1, price: '12.50' };

/** How WooCommerce says it: a 429 with Retry-After, or its REST validation error on the write. */
function refuse(store: FakeWooStore, refusal: RemoteRefusal) {
  if (refusal.kind === 'rate_limited') {
    store.answerNext({
      status: 429,
      body: { code: 'too_many_requests', message: 'Too many requests' },
      headers: { 'retry-after': String(refusal.retryAfterSeconds) },
    });
  } else {
    store.answerNext({
      status: 400,
      body: {
        code: 'rest_invalid_param',
        message: 'Invalid parameter(s): meta_data',
        data: { status: 400, params: { meta_data: 'meta_data[0][value] is not of type string.' } },
      },
      writesOnly: true,
    });
  }
}

describeStorefrontOutbound(connector, {
  async remote() {
    nock.cleanAll();
    const store = createFakeWooStore(STORE, {
      ...KEYS,
      tracking: 'order-meta',
      products: [{ id: 93, sku: 'WOO-MUG', parentId: null, stock: 1_000 }],
    });
    // A test connection's orders before the first tracking write: placed with no webhook active.
    const placed = await store.placeOrder([LINE]);
    return {
      context: fakeContext(),
      // The connector reads orders 100 to a page.
      severalPages: 101,
      trackingWrite: () => ({
        order: { sourceOrderId: String(placed.id), sourceOrderName: `#${placed.number}`, sourceData: {} },
        shipment: {
          id: 'contract-shipment-1',
          lines: [{ sourceLineId: String(placed.line_items[0]?.id), sku: LINE.sku, quantity: 1 }],
          tracking: { carrier: 'DHL', number: '00340434161234567890', url: null },
        },
      }),
      refuseNext: (refusal) => refuse(store, refusal),
      async addChanges(count) {
        const ids: string[] = [];
        for (let i = 0; i < count; i++) ids.push(String((await store.placeOrder([LINE])).id));
        return ids;
      },
      eventKey: (event) => (event.type === 'order.upserted' ? event.order.sourceOrderId : null),
      close: () => {
        nock.cleanAll();
      },
    };
  },
});
