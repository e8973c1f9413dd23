/**
 * The WooCommerce connector in the real hub, over HTTP, on a real database: stores faked with nock
 * at the network edge (see `fake-woo-store.ts`), the sandbox 3PL simulator for fulfilment.
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

const STORE = 'https://shop.example.com';
const SECOND_STORE = 'https://second-shop.example.com';
const keys = () => ({
  consumerKey: `ck_${randomBytes(20).toString('hex')}`,
  consumerSecret: `cs_${randomBytes(20).toString('hex')}`,
});

describe('WooCommerce through the hub', () => {
  let database: TestDatabase;
  let running: RunningHub;
  let threePl: ThreePlSimulator;
  let merchantId: string;
  let store: FakeWooStore;
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

  beforeAll(async () => {
    nock.disableNetConnect();
    // The hub, the 3PL simulator and this test talk over loopback; only the stores are faked.
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
    threePl = createThreePlSimulator({
      ...threePlKeys,
      shipDelayMs: 300,
      webhookRetryDelayMs: 200,
      stock: { 'WOO-SINGLE-1': 40, 'SYI-BLACK-M': 25 },
    });
    const threePlUrl = await threePl.listen(0);
    merchantId = (await api<{ id: string }>('POST', '/api/merchants', { name: 'Woo merchant' })).body.id;
    const threePlConnection = await api<{ id: string; webhookUrl: string }>('POST', '/api/connections', {
      merchantId,
      connector: 'sandbox-3pl',
      externalAccount: `3pl-${randomBytes(4).toString('hex')}`,
      settings: { baseUrl: threePlUrl },
      credentials: threePlKeys,
      defaultFulfillment: true,
    });
    expect(threePlConnection.status).toBe(201);
    threePl.setWebhookUrl(threePlConnection.body.webhookUrl);
  });

  afterAll(async () => {
    await threePl?.close();
    await running?.stop();
    await database?.drop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('connects a store from pasted keys: the hub creates its webhooks, and answers their pings', async () => {
    const storeKeys = keys();
    store = createFakeWooStore(STORE, {
      ...storeKeys,
      tracking: 'shipment-tracking',
      products: [
        { id: 93, sku: 'WOO-SINGLE-1', parentId: null, stock: 3 },
        { id: 23, sku: 'SYI-BLACK-M', parentId: 22, stock: 3 },
      ],
    });
    const created = await api<{ id: string; webhookUrl: string; status: string }>(
      'POST',
      '/api/connections',
      {
        merchantId,
        connector: 'woocommerce',
        externalAccount: STORE,
        settings: { storeUrl: STORE },
        credentials: storeKeys,
      },
    );
    expect(created.status).toBe(201);
    connectionId = created.body.id;
    expect(created.body.webhookUrl).toBe(`${running.url}/webhooks/woocommerce/${connectionId}`);

    expect(store.webhooks.map((w) => w.topic).sort()).toEqual([
      'order.created',
      'order.deleted',
      'order.restored',
      'order.updated',
      'product.created',
      'product.deleted',
      'product.updated',
    ]);
    for (const webhook of store.webhooks) {
      expect(webhook).toMatchObject({ status: 'active', delivery_url: created.body.webhookUrl });
      expect(webhook.name).toContain(connectionId);
    }
    // One secret, made by the hub, 48 hex characters.
    expect(new Set(store.webhooks.map((w) => w.secret)).size).toBe(1);
    expect(store.webhooks[0]?.secret).toMatch(/^[0-9a-f]{48}$/);
    // WooCommerce pings every new webhook, unsigned; each ping got its 200.
    expect(store.pings).toHaveLength(7);
    expect(store.pings.every((p) => p.status === 200)).toBe(true);
  });

  it('refuses keys for a store on an internal address', async () => {
    const refused = await api('POST', '/api/connections', {
      merchantId,
      connector: 'woocommerce',
      externalAccount: 'https://169.254.169.254',
      settings: { storeUrl: 'https://169.254.169.254' },
      credentials: keys(),
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    expect(refused.body.error).toBe('store_url_refused');
  });

  it('takes a paid order from its webhook to the 3PL, and completes it in the store with tracking', async () => {
    const order = await store.placeOrder([
      { sku: 'WOO-SINGLE-1', productId: 93, quantity: 2, price: '9.99' },
      { sku: 'SYI-BLACK-M', productId: 22, variationId: 23, quantity: 1, price: '24.50' },
    ]);
    const asPlaced = structuredClone(order);
    expect(store.deliveries.filter((d) => d.topic === 'order.created')).toEqual([
      { topic: 'order.created', id: order.id, status: 200, outcome: 'accepted' },
    ]);

    const shipped = await waitFor(
      async () => {
        const held = await hubOrder(String(order.id));
        return held?.shipments?.[0]?.trackingWrittenBack && store.orders.get(order.id)?.status === 'completed'
          ? held
          : undefined;
      },
      'the order to ship and be completed in the store',
      30_000,
    );
    expect(shipped.name).toBe(`#${order.id}`);
    expect(shipped.lines.map((l: any) => [l.sku, l.quantity]).sort()).toEqual([
      ['SYI-BLACK-M', 1],
      ['WOO-SINGLE-1', 2],
    ]);
    const tracking = shipped.shipments[0].tracking;
    // Exactly one tracking item, with the 3PL's number, in the store's Shipment Tracking.
    expect(store.trackingItems.get(order.id)?.map((item) => item.tracking_number)).toEqual([tracking.number]);
    expect(threePl.ordersByReference(shipped.shipments[0].id)).toHaveLength(1);
    // Our own order updates came back as order.updated webhooks and were taken calmly.
    await waitFor(
      async () => store.deliveries.some((d) => d.topic === 'order.updated'),
      'the echo of our update',
    );
    expect(store.deliveries.every((d) => d.status === 200)).toBe(true);

    // The same delivery again is recorded as a duplicate and changes nothing.
    await store.deliver('order.created', asPlaced);
    expect(store.deliveries.at(-1)).toMatchObject({
      topic: 'order.created',
      status: 200,
      outcome: 'duplicate',
    });
    // A delivery of an older state arriving late is taken in, and not applied.
    const olderAt = new Date(Date.parse(`${asPlaced.date_modified_gmt}Z`) - 5_000).toISOString().slice(0, 19);
    await store.deliver('order.updated', { ...asPlaced, status: 'pending', date_modified_gmt: olderAt });
    expect(store.deliveries.at(-1)).toMatchObject({
      topic: 'order.updated',
      status: 200,
      outcome: 'accepted',
    });
    const after = await waitFor(async () => {
      const held = await hubOrder(String(order.id));
      return held?.timeline.some((e: any) => e.type === 'order.update_ignored') ? held : undefined;
    }, 'the late delivery to be ignored');
    expect(after.status).toBe(shipped.status);
    expect(threePl.ordersByReference(shipped.shipments[0].id)).toHaveLength(1);
  });

  it('keeps product and variation stock at what the 3PL can ship, ignoring the echo of its own writes', async () => {
    const inStore = () => [
      store.productBySku('WOO-SINGLE-1')?.stock,
      store.productBySku('SYI-BLACK-M')?.stock,
    ];
    const atThreePl = () => [threePl.stock()['WOO-SINGLE-1'], threePl.stock()['SYI-BLACK-M']];
    await waitFor(
      async () => JSON.stringify(inStore()) === JSON.stringify(atThreePl()),
      'stock to reach the store',
      30_000,
    );
    // Each write came back as a product.updated webhook; none of those echoes caused another write.
    await waitFor(
      async () => store.deliveries.filter((d) => d.topic === 'product.updated').length >= 2,
      'the echoes',
    );
    const writes = store.stockWrites.length;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(store.stockWrites.length).toBe(writes);

    // A shop manager's edit is not an echo: the 3PL's count is put back.
    await store.adminSetStock('WOO-SINGLE-1', 999);
    await waitFor(
      async () => store.productBySku('WOO-SINGLE-1')?.stock === threePl.stock()['WOO-SINGLE-1'],
      'the 3PL count to be restored',
      20_000,
    );
  });

  it('repairs webhooks WooCommerce disabled and catches up on the order it missed by polling', async () => {
    store.disableWebhooks(['order.created', 'order.updated']);
    const missed = await store.placeOrder([
      { sku: 'WOO-SINGLE-1', productId: 93, quantity: 1, price: '9.99' },
    ]);
    expect(store.deliveries.some((d) => d.id === missed.id)).toBe(false);

    await running.hub.boss.send('reconcile', { connectionId }, { singletonKey: connectionId });
    await waitFor(
      async () => store.webhooks.every((w) => w.status === 'active'),
      'the webhooks to be active again',
      20_000,
    );
    const caughtUp = await waitFor(
      async () => {
        const held = await hubOrder(String(missed.id));
        return held?.shipments?.length ? held : undefined;
      },
      'the missed order to reach the 3PL',
      20_000,
    );
    expect(threePl.ordersByReference(caughtUp.shipments[0].id)).toHaveLength(1);
  });

  it('repairs webhooks the moment ops ask, and shows what it found on the connection', async () => {
    store.disableWebhooks(['order.created', 'order.updated']);
    const missed = await store.placeOrder([
      { sku: 'WOO-SINGLE-1', productId: 93, quantity: 1, price: '9.99' },
    ]);
    const answer = await api('POST', `/api/connections/${connectionId}/reconcile`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      trigger: 'api',
      outcome: 'completed',
      health: {
        healthy: false,
        repaired: ['reactivated:order.created', 'reactivated:order.updated'],
        catchUp: true,
      },
    });
    expect(answer.body.recovered['order.upserted']).toBeGreaterThanOrEqual(1);
    // Repaired in the request, not at the next scheduled reconciliation.
    expect(store.webhooks.every((w) => w.status === 'active')).toBe(true);
    expect(answer.body.health.webhooks).toContainEqual({
      topic: 'order.created',
      status: 'active',
      repaired: 'reactivated',
    });

    const { body } = await api('GET', `/api/connections/${connectionId}`);
    expect(body.health.lastReconciliation).toMatchObject({
      trigger: 'api',
      outcome: 'completed',
      recovered: answer.body.recovered,
    });
    expect(body.health.platform.webhooks).toEqual(answer.body.health.webhooks);
    expect(body.health.platform.token).toBeNull(); // WooCommerce keys do not expire
    await waitFor(
      async () => (await hubOrder(String(missed.id)))?.shipments?.length > 0,
      'the missed order to reach the 3PL',
      20_000,
    );
  });

  it('connects a store through WooCommerce’s key-granting screen (wc-auth)', async () => {
    const secondKeys = keys();
    const second = createFakeWooStore(SECOND_STORE, { ...secondKeys, tracking: 'order-meta', products: [] });

    const start = await fetch(
      `${running.url}/install/woocommerce?store=${encodeURIComponent(`${SECOND_STORE}/`)}`,
      {
        redirect: 'manual',
      },
    );
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location') ?? '');
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${SECOND_STORE}/wc-auth/v1/authorize`);
    expect(authorize.searchParams.get('scope')).toBe('read_write');
    expect(authorize.searchParams.get('callback_url')).toBe(`${running.url}/install/woocommerce/callback`);

    // The merchant approves; WooCommerce posts the new keys to our callback and needs a 200.
    const callback = await fetch(authorize.searchParams.get('callback_url')!, {
      method: 'POST',
      headers: { 'content-type': 'application/json;charset=UTF-8' },
      body: JSON.stringify({
        key_id: 7,
        user_id: authorize.searchParams.get('user_id'),
        consumer_key: secondKeys.consumerKey,
        consumer_secret: secondKeys.consumerSecret,
        key_permissions: 'read_write',
      }),
    });
    expect(callback.status).toBe(200);

    await waitFor(async () => second.webhooks.length === 7, 'the second store’s webhooks');
    const connections = await api<{ items: any[] }>('GET', '/api/connections');
    const connection = connections.body.items.find((c) => c.externalAccount === SECOND_STORE);
    expect(connection).toMatchObject({
      connector: 'woocommerce',
      status: 'active',
      settings: { storeUrl: SECOND_STORE },
    });
    expect(second.pings.every((p) => p.status === 200)).toBe(true);

    const back = await fetch(
      `${authorize.searchParams.get('return_url')}&success=1&user_id=${authorize.searchParams.get('user_id')}`,
    );
    expect(await back.text()).toContain('Store connected');
  });
});
