/**
 * The ShipBob connector in the real hub, over HTTP, on a real database: ShipBob faked with nock at
 * the network edge (shapes from its documentation, see README), the sandbox storefront simulator
 * as the shop. A paid order becomes a ShipBob order, ShipBob's signed webhook brings the tracking
 * back to the storefront, a redelivery is applied once, and a forged one is refused.
 */
import { randomBytes } from 'node:crypto';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorefrontSimulator, type StorefrontSimulator } from '../../../sandbox/index.ts';
import { loadConfig } from '../../../src/config.ts';
import { signStandardWebhook } from '../../../src/sdk/index.ts';
import { type RunningHub, startHub } from '../../../src/start-hub.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/test-database.ts';
import { TEST_API_TOKEN, testEnv, waitFor } from '../../../test/helpers/test-hub.ts';
import { createConnectors } from '../../registry.ts';
import { API, CHANNEL, fixture, ORDER_ID, PAT, VERSION } from './helpers/shipbob-test-kit.ts';

describe('ShipBob through the hub', () => {
  let database: TestDatabase;
  let running: RunningHub;
  let storefront: StorefrontSimulator;
  let merchantId: string;
  let connectionId: string;
  let webhookUrl: string;
  let secret: string;
  const created: Record<string, unknown>[] = [];

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
  const deliver = (topic: string, body: unknown, id: string, key = secret) => {
    const rawBody = JSON.stringify(body);
    return fetch(webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-webhook-topic': topic,
        ...signStandardWebhook(key, { id, timestamp: new Date(), body: rawBody }),
      },
      body: rawBody,
    });
  };

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));
    database = await createTestDatabase();
    running = await startHub(loadConfig(testEnv(database)), { connectors: createConnectors({}) });
    const keys = { apiKey: randomBytes(12).toString('hex'), webhookSecret: randomBytes(12).toString('hex') };
    storefront = createStorefrontSimulator({ ...keys, webhookRetryDelayMs: 200 });
    const storefrontUrl = await storefront.listen(0);
    merchantId = (await api<{ id: string }>('POST', '/api/merchants', { name: 'ShipBob merchant' })).body.id;
    const shop = await api<{ id: string; webhookUrl: string }>('POST', '/api/connections', {
      merchantId,
      connector: 'sandbox-storefront',
      externalAccount: `storefront-${randomBytes(4).toString('hex')}`,
      settings: { baseUrl: storefrontUrl },
      credentials: keys,
    });
    expect(shop.status).toBe(201);
    storefront.setWebhookUrl(shop.body.webhookUrl);
  });

  afterAll(async () => {
    await storefront?.close();
    await running?.stop();
    await database?.drop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('connects with a pasted token: the channel is chosen and one webhook subscription made', async () => {
    nock(API)
      .get(`${VERSION}/channel`)
      .query(true)
      .reply(200, fixture('channels.json'))
      .get(`${VERSION}/webhook`)
      .query(true)
      .reply(200, { items: [], next: null });
    const subscribed = nock(API, { reqheaders: { shipbob_channel_id: String(CHANNEL) } })
      .post(`${VERSION}/webhook`, (body) => {
        secret = body.secret;
        webhookUrl = body.url;
        return true;
      })
      .reply(200, () => ({ ...fixture('webhook-created.json'), url: webhookUrl, secret }));

    const connection = await api<{ id: string; webhookUrl: string; status: string }>(
      'POST',
      '/api/connections',
      {
        merchantId,
        connector: 'shipbob',
        externalAccount: 'production:e2e',
        settings: { shippingMethods: { standard: 'Standard' }, pollInventory: false },
        credentials: { accessToken: PAT },
        defaultFulfillment: true,
      },
    );

    expect(connection.status).toBe(201);
    expect(subscribed.isDone()).toBe(true);
    connectionId = connection.body.id;
    expect(webhookUrl).toBe(connection.body.webhookUrl);
    expect(secret).toMatch(/^whsec_/);
  });

  it('creates the ShipBob order for a paid order, and brings ShipBob’s tracking back to the storefront', async () => {
    nock(API)
      .get(`${VERSION}/inventory-level/locations`)
      .query(true)
      .reply(200, {
        items: [
          {
            inventory_id: 1,
            sku: 'SBX-MUG',
            name: 'Mug',
            locations: [{ location_id: 156, name: 'Cicero (IL)', fulfillable_quantity: 10 }],
          },
        ],
        next: null,
      });
    nock(API, { reqheaders: { authorization: `Bearer ${PAT}`, shipbob_channel_id: String(CHANNEL) } })
      .post(`${VERSION}/order`, (body) => created.push(body) > 0)
      .reply(201, () => ({ ...fixture('order-created.json'), reference_id: created.at(-1)?.reference_id }));

    const order = storefront.placeOrder({
      lines: [{ sku: 'SBX-MUG', quantity: 1 }],
      shipping_method: 'standard',
    });
    const submitted = await waitFor(async () => {
      const current = await hubOrder(order.id);
      return current?.shipments?.[0]?.externalId ? current : undefined;
    }, 'the ShipBob order');
    const shipment = submitted.shipments[0];
    expect(shipment.externalId).toBe(String(ORDER_ID));
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      reference_id: shipment.id,
      type: 'DTC',
      shipping_method: 'Standard',
      products: [{ reference_id: 'SBX-MUG', quantity: 1 }],
    });

    const shipped = {
      ...fixture('order-created.json'),
      reference_id: shipment.id,
      shipments: [
        {
          ...fixture<{ shipments: object[] }>('order-created.json').shipments[0],
          reference_id: shipment.id,
          status: 'Completed',
          tracking: {
            carrier: 'USPS',
            carrier_service: 'ParcelSelect',
            tracking_number: '9261290306529427911297',
            tracking_url: null,
          },
        },
      ],
    };
    nock(API).get(`${VERSION}/order/${ORDER_ID}`).times(2).reply(200, shipped);
    const event = { ...fixture('webhook-shipment-event.json'), reference_id: shipment.id };
    expect((await deliver('order.shipped', event, 'msg_e2e_1')).status).toBe(200);

    await waitFor(
      async () =>
        storefront.fulfillmentsOf(order.id)[0]?.tracking.number === '9261290306529427911297'
          ? true
          : undefined,
      'tracking at the storefront',
    );
    expect((await hubOrder(order.id))?.shipments[0]).toMatchObject({ status: 'shipped' });

    // A redelivery of the same webhook-id is acknowledged and not applied again.
    expect((await deliver('order.shipped', event, 'msg_e2e_1')).status).toBe(200);
    const deliveries = await api<{ items: any[] }>('GET', `/api/deliveries?connectionId=${connectionId}`);
    const ours = deliveries.body.items.filter((d) => d.topic === 'order.shipped');
    expect(ours).toHaveLength(2);
    expect(ours.filter((d) => d.status === 'duplicate')).toHaveLength(1);
    expect(storefront.fulfillmentsOf(order.id)).toHaveLength(1);
  });

  it('refuses a delivery signed with another secret', async () => {
    const forged = await deliver(
      'order.shipped',
      fixture('webhook-shipment-event.json'),
      'msg_e2e_2',
      `whsec_${randomBytes(32).toString('base64')}`,
    );
    expect(forged.status).toBe(401);
  });
});
