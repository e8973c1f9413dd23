/**
 * A WooCommerce order with a gift-wrap line that has no SKU, in the real hub over HTTP: held with
 * a reason that says how to release it, then released by marking the gift wrap "do not ship" in
 * the SKU map (every held order with it ships), or by releasing one order without it.
 */
import { randomBytes } from 'node:crypto';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createThreePlSimulator, type ThreePlSimulator } from '../../../sandbox/index.ts';
import { loadConfig } from '../../../src/config.ts';
import { type RunningHub, startHub } from '../../../src/start-hub.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/test-database.ts';
import { TEST_API_TOKEN, testEnv, waitFor } from '../../../test/helpers/test-hub.ts';
import { createConnectors } from '../../registry.ts';
import { createWooCommerceConnector } from '../index.ts';
import { createFakeWooStore, type FakeWooStore } from './helpers/fake-woo-store.ts';
import { PUBLIC_ADDRESS } from './helpers/woo-test-kit.ts';

const STORE = 'https://wrap-shop.example.com';
const GIFT_WRAP = { sku: '', productId: 55, quantity: 1, price: '3.00' };

describe('WooCommerce: a gift-wrap line without a SKU', () => {
  let database: TestDatabase;
  let running: RunningHub;
  let threePl: ThreePlSimulator;
  let store: FakeWooStore;
  let merchantId: string;
  let connectionId: string;

  const api = async <T = any>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${running.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TEST_API_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  };
  const hubOrder = async (sourceOrderId: string) => {
    const list = await api<{ items: any[] }>('GET', '/api/orders?limit=200');
    const summary = list.body.items.find((o) => o.sourceOrderId === sourceOrderId);
    return summary ? (await api('GET', `/api/orders/${summary.id}`)).body : undefined;
  };
  const orderIn = (sourceOrderId: string, status: string) =>
    waitFor(async () => {
      const order = await hubOrder(sourceOrderId);
      return order?.status === status ? order : undefined;
    }, `order ${sourceOrderId} to be ${status}`);

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));
    database = await createTestDatabase();
    running = await startHub(loadConfig(testEnv(database)), {
      connectors: [
        ...createConnectors({}).filter((c) => c.manifest.name !== 'woocommerce'),
        createWooCommerceConnector({ resolveHost: async () => [PUBLIC_ADDRESS], retryDelayMs: 20 }),
      ],
    });
    const threePlKeys = {
      apiKey: randomBytes(12).toString('hex'),
      webhookSecret: randomBytes(12).toString('hex'),
    };
    threePl = createThreePlSimulator({
      ...threePlKeys,
      shipDelayMs: 300,
      webhookRetryDelayMs: 200,
      stock: { 'WOO-SINGLE-1': 40 },
    });
    const threePlUrl = await threePl.listen(0);
    merchantId = (await api<{ id: string }>('POST', '/api/merchants', { name: 'Wrap merchant' })).body.id;
    const warehouse = await api<{ webhookUrl: string }>('POST', '/api/connections', {
      merchantId,
      connector: 'sandbox-3pl',
      externalAccount: `3pl-${randomBytes(4).toString('hex')}`,
      settings: { baseUrl: threePlUrl },
      credentials: threePlKeys,
      defaultFulfillment: true,
    });
    threePl.setWebhookUrl(warehouse.body.webhookUrl);
    const keys = {
      consumerKey: `ck_${randomBytes(20).toString('hex')}`,
      consumerSecret: `cs_${randomBytes(20).toString('hex')}`,
    };
    store = createFakeWooStore(STORE, {
      ...keys,
      tracking: 'shipment-tracking',
      products: [{ id: 93, sku: 'WOO-SINGLE-1', parentId: null, stock: 3 }],
    });
    const connection = await api<{ id: string }>('POST', '/api/connections', {
      merchantId,
      connector: 'woocommerce',
      externalAccount: STORE,
      settings: { storeUrl: STORE },
      credentials: keys,
    });
    expect(connection.status).toBe(201);
    connectionId = connection.body.id;
  });

  afterAll(async () => {
    await threePl?.close();
    await running?.stop();
    await database?.drop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('holds the orders, and ships each without the wrap once the merchant marks it "do not ship"', async () => {
    const first = await store.placeOrder([
      { sku: 'WOO-SINGLE-1', productId: 93, quantity: 2, price: '9.99' },
      GIFT_WRAP,
    ]);
    const second = await store.placeOrder([
      { sku: 'WOO-SINGLE-1', productId: 93, quantity: 1, price: '9.99' },
      GIFT_WRAP,
    ]);
    const productPath = `/api/merchants/${merchantId}/sku-map/connections/${connectionId}/products/55`;
    for (const placed of [first, second]) {
      const held = await orderIn(String(placed.id), 'on_hold');
      expect(held.statusReason).toBe('missing_sku');
      const wrap = held.lines.find((line: any) => line.sku === null);
      expect(wrap).toMatchObject({ sourceProductId: '55', sourceVariantId: null, disposition: 'held' });
      // WooCommerce's line has no variation, so the product is the key to map.
      expect(held.statusDetail.message).toContain(`PUT ${productPath}`);
    }

    expect((await api('PUT', productPath, { action: 'do_not_ship' })).status).toBe(200);
    for (const placed of [first, second]) {
      const shipped = await waitFor(async () => {
        const order = await hubOrder(String(placed.id));
        return order?.status === 'shipped' && order.shipments[0]?.trackingWrittenBack ? order : undefined;
      }, `order ${placed.id} to ship without the wrap`);
      expect(shipped.shipments[0].lines).toEqual([
        { sku: 'WOO-SINGLE-1', quantity: placed.id === first.id ? 2 : 1 },
      ]);
      expect(shipped.lines.find((line: any) => line.sku === null).disposition).toBe('do_not_ship');
      // The tracking reached the store for the shipped line.
      expect(store.trackingItems.get(placed.id)?.map((item) => item.tracking_number)).toEqual([
        shipped.shipments[0].tracking.number,
      ]);
    }
  });

  it('releases one held order without the wrap', async () => {
    const wrap = { ...GIFT_WRAP, productId: 56 };
    const placed = await store.placeOrder([
      { sku: 'WOO-SINGLE-1', productId: 93, quantity: 1, price: '9.99' },
      wrap,
    ]);
    const held = await orderIn(String(placed.id), 'on_hold');
    const released = await api('POST', `/api/orders/${held.id}/release`, { excludeUnidentifiedLines: true });
    expect(released).toMatchObject({
      status: 202,
      body: { outcome: 'queued', excludedLines: [{ sku: null }] },
    });
    const shipped = await orderIn(String(placed.id), 'shipped');
    expect(shipped.shipments[0].lines).toEqual([{ sku: 'WOO-SINGLE-1', quantity: 1 }]);
    expect(shipped.lines.find((line: any) => line.sku === null).disposition).toBe('excluded');
  });
});
