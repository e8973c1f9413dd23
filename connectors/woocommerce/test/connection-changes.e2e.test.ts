/**
 * Changing a working WooCommerce connection through `POST /api/connections`: a refused change (a
 * store URL the address guard refuses, keys the store rejects) and a set-up that fails part-way must
 * leave the live store taking orders exactly as before, and a refused new store leaves no row.
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

const STORE = 'https://changes-shop.example.com';
const keys = () => ({
  consumerKey: `ck_${randomBytes(20).toString('hex')}`,
  consumerSecret: `cs_${randomBytes(20).toString('hex')}`,
});

describe('a refused change to a WooCommerce connection changes nothing', () => {
  let database: TestDatabase;
  let running: RunningHub;
  let threePl: ThreePlSimulator;
  let merchantId: string;
  let store: FakeWooStore;
  let storeKeys: ReturnType<typeof keys>;
  let connection: any;

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
  const connections = async () => (await api<{ items: any[] }>('GET', '/api/connections')).body.items;
  const webhooksNow = () => structuredClone(store.webhooks).sort((a, b) => a.id - b.id);

  /** The store's next order still reaches the hub and the 3PL. */
  const ordersStillFlow = async () => {
    const order = await store.placeOrder([
      { sku: 'WOO-SINGLE-1', productId: 93, quantity: 1, price: '9.99' },
    ]);
    expect(store.deliveries.filter((d) => d.topic === 'order.created' && d.id === order.id)).toEqual([
      { topic: 'order.created', id: order.id, status: 200, outcome: 'accepted' },
    ]);
    await waitFor(async () => {
      const list = await api<{ items: any[] }>('GET', '/api/orders?limit=200');
      return list.body.items.find((o) => o.sourceOrderId === String(order.id) && o.status === 'accepted');
    }, 'the order to reach the 3PL');
  };

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));
    database = await createTestDatabase();
    const woocommerce = createWooCommerceConnector({
      resolveHost: async () => [PUBLIC_ADDRESS],
      retryDelayMs: 20,
    });
    running = await startHub(loadConfig(testEnv(database)), {
      connectors: [...createConnectors({}).filter((c) => c.manifest.name !== 'woocommerce'), woocommerce],
    });
    const threePlKeys = {
      apiKey: randomBytes(12).toString('hex'),
      webhookSecret: randomBytes(12).toString('hex'),
    };
    threePl = createThreePlSimulator({ ...threePlKeys, shipDelayMs: 0, stock: { 'WOO-SINGLE-1': 40 } });
    const threePlUrl = await threePl.listen(0);
    merchantId = (await api<{ id: string }>('POST', '/api/merchants', { name: 'Woo merchant' })).body.id;
    const threePlConnection = await api('POST', '/api/connections', {
      merchantId,
      connector: 'sandbox-3pl',
      externalAccount: `3pl-${randomBytes(4).toString('hex')}`,
      settings: { baseUrl: threePlUrl },
      credentials: threePlKeys,
    });
    expect(threePlConnection.status).toBe(201);
    threePl.setWebhookUrl(threePlConnection.body.webhookUrl);

    storeKeys = keys();
    store = createFakeWooStore(STORE, {
      ...storeKeys,
      tracking: 'order-meta',
      products: [{ id: 93, sku: 'WOO-SINGLE-1', parentId: null, stock: 3 }],
    });
    const created = await api('POST', '/api/connections', {
      merchantId,
      connector: 'woocommerce',
      externalAccount: STORE,
      settings: { storeUrl: STORE },
      credentials: storeKeys,
    });
    expect(created.status).toBe(201);
    connection = (await connections()).find((c) => c.id === created.body.id);
    expect(connection.status).toBe('active');
    expect(store.webhooks).toHaveLength(7);
  });

  afterAll(async () => {
    await threePl?.close();
    await running?.stop();
    await database?.drop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('keeps the live store as it was when a re-posted store URL is refused', async () => {
    const webhooksBefore = webhooksNow();
    const refused = await api('POST', '/api/connections', {
      merchantId,
      connector: 'woocommerce',
      externalAccount: STORE,
      settings: { storeUrl: 'https://10.0.0.1' },
      credentials: keys(),
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('store_url_refused');
    expect((await connections()).find((c) => c.id === connection.id)).toEqual(connection);
    expect(webhooksNow()).toEqual(webhooksBefore);
    expect(refused.body.message).toContain('unchanged');
    await ordersStillFlow();
  });

  it('keeps the live store as it was when the store rejects the new keys', async () => {
    const webhooksBefore = webhooksNow();
    const refused = await api('POST', '/api/connections', {
      merchantId,
      connector: 'woocommerce',
      externalAccount: STORE,
      settings: { storeUrl: STORE, completeOnShip: false },
      credentials: keys(),
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('credentials_rejected');
    expect((await connections()).find((c) => c.id === connection.id)).toEqual(connection);
    expect(webhooksNow()).toEqual(webhooksBefore);
    await ordersStillFlow();
  });

  it('puts the working set-up back when a change fails part-way through re-arming the webhooks', async () => {
    const webhooksBefore = webhooksNow();
    // Keys pasted again, without the webhook secret the hub made: set-up makes a new one and starts
    // re-arming the webhooks with it, until the store refuses the third write.
    store.refuseWebhookWrites(1, 2);
    const failed = await api('POST', '/api/connections', {
      merchantId,
      connector: 'woocommerce',
      externalAccount: STORE,
      settings: { storeUrl: STORE, completeOnShip: false },
      credentials: storeKeys,
    });
    expect(failed.status).toBe(422);
    expect(failed.body.error).toBe('permission_denied');
    expect((await connections()).find((c) => c.id === connection.id)).toEqual(connection);
    // Every webhook is ours again, active, at our URL, signed with the secret the hub still holds.
    expect(webhooksNow()).toEqual(webhooksBefore);
    expect(failed.body.message).toContain('previous configuration stays active');
    await ordersStillFlow();
  });

  it('stores nothing for new stores it refuses', async () => {
    const before = await connections();
    for (let i = 1; i <= 9; i++) {
      const refused = await api('POST', '/api/connections', {
        merchantId,
        connector: 'woocommerce',
        externalAccount: `https://10.0.0.${i}`,
        settings: { storeUrl: `https://10.0.0.${i}` },
        credentials: keys(),
      });
      expect(refused.status).toBe(422);
      expect(refused.body.error).toBe('store_url_refused');
    }
    const wrongKeys = await api('POST', '/api/connections', {
      merchantId,
      connector: 'woocommerce',
      externalAccount: 'https://other-shop.example.com',
      settings: { storeUrl: 'https://other-shop.example.com' },
      credentials: keys(),
    });
    expect(wrongKeys.status).toBe(422);
    expect(await connections()).toEqual(before);
  });
});
