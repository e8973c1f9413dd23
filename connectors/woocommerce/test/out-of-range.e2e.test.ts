/**
 * WooCommerce orders with values no column can hold, through the real hub over HTTP: a signed
 * webhook is refused at the door (400, the field named, no job); an order the hub reads by polling
 * (where nothing can be refused) is held with the reason instead of failing the poll, and the
 * store's next valid version releases it. The store is faked with nock (`fake-woo-store.ts`).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
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
import { PUBLIC_ADDRESS, phpJson } from './helpers/woo-test-kit.ts';

const STORE = 'https://ranges-shop.example.com';

describe('WooCommerce: orders with out-of-range values', () => {
  let database: TestDatabase;
  let running: RunningHub;
  let threePl: ThreePlSimulator;
  let store: FakeWooStore;
  let connectionId: string;
  let webhookUrl: string;

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
  const applyJobs = async () => {
    const { rows } = await sql<{ count: string }>`
      select count(*)::text as count from pgboss.job where name = 'apply-delivery'`.execute(running.hub.db);
    return Number(rows[0]?.count ?? 0);
  };
  /** A delivery as WooCommerce signs it, posted by the test so that the answer can be read. */
  const deliver = async (topic: string, order: unknown) => {
    const raw = phpJson(order);
    const secret = store.webhooks.find((w) => w.topic === topic)!.secret;
    const response = await fetch(webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-wc-webhook-source': `${STORE}/`,
        'x-wc-webhook-topic': topic,
        'x-wc-webhook-resource': 'order',
        'x-wc-webhook-event': topic.split('.')[1]!,
        'x-wc-webhook-signature': createHmac('sha256', secret).update(raw).digest('base64'),
        'x-wc-webhook-id': '1',
        'x-wc-webhook-delivery-id': randomBytes(16).toString('hex'),
      },
      body: raw,
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const gmt = (offsetSeconds: number) =>
    new Date(Date.now() + offsetSeconds * 1000).toISOString().slice(0, 19);
  const anOrder = (id: number, modifiedAt: string, change: (order: any) => void = () => {}) => {
    const order: any = {
      id,
      number: String(id),
      status: 'processing',
      currency: 'EUR',
      date_created_gmt: modifiedAt,
      date_modified_gmt: modifiedAt,
      date_paid_gmt: modifiedAt,
      total: '19.98',
      billing: { first_name: 'Zoë', last_name: 'Müller', email: 'zoe@example.com', country: 'PL' },
      shipping: {
        first_name: 'Zoë',
        last_name: 'Müller',
        address_1: 'ul. Floriańska 3',
        city: 'Kraków',
        country: 'PL',
      },
      line_items: [
        {
          id: id * 10,
          name: 'Single',
          product_id: 93,
          variation_id: 0,
          quantity: 2,
          sku: 'WOO-SINGLE-1',
          price: 9.99,
          subtotal: '19.98',
        },
      ],
      shipping_lines: [],
      meta_data: [],
    };
    change(order);
    return order;
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
    threePl = createThreePlSimulator({ ...threePlKeys, shipDelayMs: 60_000, stock: { 'WOO-SINGLE-1': 40 } });
    const threePlUrl = await threePl.listen(0);
    const merchantId = (await api<{ id: string }>('POST', '/api/merchants', { name: 'Ranges' })).body.id;
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
      tracking: 'order-meta',
      products: [{ id: 93, sku: 'WOO-SINGLE-1', parentId: null, stock: 3 }],
    });
    const created = await api<{ id: string; webhookUrl: string }>('POST', '/api/connections', {
      merchantId,
      connector: 'woocommerce',
      externalAccount: STORE,
      settings: { storeUrl: STORE },
      credentials: keys,
    });
    expect(created.status).toBe(201);
    connectionId = created.body.id;
    webhookUrl = created.body.webhookUrl;
  });

  afterAll(async () => {
    await threePl?.close();
    await running?.stop();
    await database?.drop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const expectRefused = async (order: unknown, field: RegExp) => {
    const jobsBefore = await applyJobs();
    const answer = await deliver('order.created', order);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ outcome: 'rejected', error: 'malformed_payload' });
    expect(answer.body.message).toMatch(field);
    const delivery = await api('GET', `/api/deliveries/${answer.body.deliveryId}`);
    expect(delivery.body).toMatchObject({ status: 'rejected', httpStatus: 400 });
    expect(delivery.body.lastError).toMatch(field);
    expect(await applyJobs()).toBe(jobsBefore);
  };

  it('refuses a signed order.created with a quantity of a trillion: 400 naming the field, no job', async () => {
    await expectRefused(
      anOrder(5001, gmt(0), (order) => {
        order.line_items[0].quantity = 1_000_000_000_000;
      }),
      /line_items\/0\/quantity/,
    );
    expect(await hubOrder('5001')).toBeUndefined();
  });

  it('refuses a unit price or a total beyond what minor units hold, naming the field', async () => {
    await expectRefused(
      anOrder(5002, gmt(0), (order) => {
        order.line_items[0].price = 1e30;
      }),
      /line_items\/0\/price/,
    );
    await expectRefused(
      anOrder(5003, gmt(0), (order) => {
        order.total = '123456789012345678901234567890.00';
      }),
      /order\/total/,
    );
  });

  it('holds an order a poll reads with an out-of-range quantity, and releases it on the next valid version', async () => {
    // The order arrives unpaid (the hub waits), then changes in the store while webhooks are down.
    const placedAt = gmt(-30);
    const pending = anOrder(5004, placedAt, (order) => {
      order.status = 'pending';
      order.date_paid_gmt = null;
    });
    expect((await deliver('order.created', pending)).status).toBe(200);
    await waitFor(async () => (await hubOrder('5004'))?.status === 'received', 'the unpaid order');

    const broken = anOrder(5004, gmt(-20), (order) => {
      order.date_created_gmt = placedAt;
      order.line_items[0].quantity = 1_000_000_000_000;
    });
    store.orders.set(5004, broken);
    await running.hub.boss.send('reconcile', { connectionId }, { singletonKey: connectionId });

    const held = await waitFor(async () => {
      const order = await hubOrder('5004');
      return order?.status === 'on_hold' ? order : undefined;
    }, 'the order to be held');
    expect(held.statusReason).toBe('invalid_order_data');
    expect(held.statusDetail.problem).toMatch(/line_items\/0\/quantity/);
    // The delivery of the polled version says why too, and was not retried.
    const dead = await api<{ items: any[] }>(
      'GET',
      `/api/deliveries?status=dead&connectionId=${connectionId}`,
    );
    const polled = dead.body.items.find((d) => d.source === 'poll' && /5004/.test(d.lastError ?? ''));
    expect(polled).toMatchObject({ attempts: 1 });
    expect(polled.lastError).toMatch(/line_items\/0\/quantity/);
    // Nothing reached the 3PL.
    expect(threePl.orders()).toHaveLength(0);

    // The merchant corrects the quantity in the store; its webhook releases and routes the order.
    const fixed = anOrder(5004, gmt(-10), (order) => {
      order.date_created_gmt = placedAt;
    });
    store.orders.set(5004, fixed);
    expect((await deliver('order.updated', fixed)).status).toBe(200);
    const released = await waitFor(async () => {
      const order = await hubOrder('5004');
      return order?.shipments?.length ? order : undefined;
    }, 'the corrected order to reach the 3PL');
    expect(released.lines.map((l: any) => l.quantity)).toEqual([2]);
    // Routing published the 3PL's stock to the store, which echoes it back: let that finish here.
    await waitFor(
      async () => store.deliveries.some((d) => d.topic === 'product.updated'),
      'the echo of the stock publication',
    );
  });
});
