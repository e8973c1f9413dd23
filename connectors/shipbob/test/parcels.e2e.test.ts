/**
 * One hub shipment that ShipBob ships as several ShipBob shipments (parcels), from two fulfillment
 * centres, in the real hub over HTTP on a real database: ShipBob faked with nock at the network
 * edge, the sandbox storefront simulator as the shop, behind a connector that records (and on
 * demand refuses) the hub's tracking writes. Each parcel reaches the storefront as its own
 * fulfillment with its own lines and tracking; an older event does not take a parcel back; a
 * retry, the job's or a person's, writes only what was not written.
 */
import { randomBytes } from 'node:crypto';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorefrontSimulator, type StorefrontSimulator } from '../../../sandbox/index.ts';
import { loadConfig } from '../../../src/config.ts';
import type { StorefrontConnector } from '../../../src/sdk/contracts.ts';
import { NeedsHumanError, RetryableError } from '../../../src/sdk/errors.ts';
import { signStandardWebhook } from '../../../src/sdk/index.ts';
import { type RunningHub, startHub } from '../../../src/start-hub.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/test-database.ts';
import { TEST_API_TOKEN, testEnv, waitFor } from '../../../test/helpers/test-hub.ts';
import { createConnectors } from '../../registry.ts';
import { sandboxStorefront } from '../../sandbox/index.ts';
import { API, CHANNEL, fixture, PAT, VERSION } from './helpers/shipbob-test-kit.ts';

type TrackingWrite = Parameters<StorefrontConnector['writeTracking']>[1];

/** The sandbox storefront, recording every tracking write and refusing the ones it is told to. */
function recordingStorefront() {
  const writes: TrackingWrite[] = [];
  const refusals: { trackingNumber: string; error: Error }[] = [];
  const connector: StorefrontConnector = {
    ...sandboxStorefront,
    manifest: { ...sandboxStorefront.manifest, name: 'parcels-storefront' },
    async writeTracking(context, input) {
      writes.push(structuredClone(input));
      const refusal = refusals.findIndex((r) => r.trackingNumber === input.shipment.tracking.number);
      if (refusal >= 0) throw refusals.splice(refusal, 1)[0]?.error;
      return sandboxStorefront.writeTracking(context, input);
    },
  };
  return {
    connector,
    writes,
    refuseOnce: (trackingNumber: string, error: Error) => refusals.push({ trackingNumber, error }),
    writesOf: (trackingNumber: string) => writes.filter((w) => w.shipment.tracking.number === trackingNumber),
  };
}

const CICERO = { id: 156, name: 'Cicero (IL)' };
const MORENO_VALLEY = { id: 178, name: 'Moreno Valley (CA)' };

/** A ShipBob shipment of the order: a product by the SKU we ordered it with, from one centre. */
function shipBobShipment(input: {
  id: number;
  orderId: number;
  reference: string;
  location: { id: number; name: string };
  sku: string;
  quantity: number;
  trackingNumber: string | null;
  at: string;
}) {
  return {
    id: input.id,
    order_id: input.orderId,
    reference_id: input.reference,
    status: input.trackingNumber ? 'Completed' : 'Processing',
    status_details: [],
    last_update_at: input.at,
    last_tracking_update_at: input.trackingNumber ? input.at : null,
    location: input.location,
    tracking: input.trackingNumber
      ? {
          carrier: 'USPS',
          carrier_service: 'Ground',
          tracking_number: input.trackingNumber,
          tracking_url: null,
        }
      : null,
    is_tracking_uploaded: false,
    delivery_date: null,
    products: [
      {
        id: 7000 + input.id,
        reference_id: input.sku,
        sku: input.sku,
        name: input.sku,
        inventory_items: [{ id: 8000 + input.id, name: input.sku, quantity: input.quantity }],
      },
    ],
  };
}

describe('a ShipBob order shipped in several parcels', () => {
  let database: TestDatabase;
  let running: RunningHub;
  let storefront: StorefrontSimulator;
  let merchantId: string;
  let webhookUrl: string;
  let secret: string;
  const recording = recordingStorefront();
  /** What ShipBob answers for each of its orders, changed as the test ships parcels. */
  const shipBobOrders = new Map<number, Record<string, unknown>>();
  let nextOrderId = 100000101;
  const created: { reference_id?: string }[] = [];

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
  const hubOrder = async (sourceOrderId: string): Promise<any> => {
    const list = await api<{ items: any[] }>('GET', '/api/orders?limit=200');
    const summary = list.body.items.find((o) => o.sourceOrderId === sourceOrderId);
    return summary ? (await api('GET', `/api/orders/${summary.id}`)).body : undefined;
  };
  let messages = 0;
  /** ShipBob's signed webhook naming one of its shipments; the connector re-reads the order. */
  const deliver = async (order: { id: number; reference: string }, shipmentId: number, eventTime: string) => {
    const body = {
      ...fixture('webhook-shipment-event.json'),
      order_id: order.id,
      shipment_id: shipmentId,
      reference_id: order.reference,
      event_time: eventTime,
      tracking: null,
    };
    const rawBody = JSON.stringify(body);
    const id = `msg_parcels_${++messages}`;
    const response = await fetch(webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-webhook-topic': 'order.shipped',
        ...signStandardWebhook(secret, { id, timestamp: new Date(), body: rawBody }),
      },
      body: rawBody,
    });
    expect(response.status).toBe(200);
    return id;
  };
  /** Until the hub has applied (or set aside) every ShipBob delivery so far. */
  const settled = () =>
    waitFor(async () => {
      const deliveries = await api<{ items: any[] }>('GET', '/api/deliveries?limit=200');
      const ours = deliveries.body.items.filter((d) => d.topic === 'order.shipped');
      return ours.length === messages && ours.every((d) => d.status !== 'received') ? true : undefined;
    }, 'the deliveries to be applied');

  /** A paid order of a mug and two T-shirts, submitted to ShipBob as one order. */
  async function placeSubmittedOrder() {
    const placed = storefront.placeOrder({
      lines: [
        { sku: 'SBX-MUG', quantity: 1 },
        { sku: 'SBX-TEE', quantity: 2 },
      ],
      shipping_method: 'standard',
    });
    const submitted = await waitFor(async () => {
      const current = await hubOrder(placed.id);
      return current?.shipments?.[0]?.externalId ? current : undefined;
    }, 'the ShipBob order');
    const shipment = submitted.shipments[0];
    const lineOf = (sku: string) => placed.line_items.find((l: any) => l.sku === sku)?.id as string;
    return {
      storefrontOrderId: placed.id,
      hubOrderId: submitted.id as string,
      shipBob: { id: Number(shipment.externalId), reference: shipment.id as string },
      mugLine: lineOf('SBX-MUG'),
      teeLine: lineOf('SBX-TEE'),
    };
  }

  /** ShipBob's order as two shipments: the mug from Cicero, the T-shirts from Moreno Valley. */
  function shipInTwo(
    order: { id: number; reference: string },
    tracking: { mug: string | null; tee: string | null },
    at: string,
  ) {
    const base = { id: order.id, orderId: order.id, reference: order.reference, at };
    shipBobOrders.set(order.id, {
      ...fixture('order-created.json'),
      id: order.id,
      reference_id: order.reference,
      status: tracking.mug && tracking.tee ? 'Fulfilled' : 'PartiallyFulfilled',
      shipments: [
        shipBobShipment({
          ...base,
          id: order.id * 10 + 1,
          location: CICERO,
          sku: 'SBX-MUG',
          quantity: 1,
          trackingNumber: tracking.mug,
        }),
        shipBobShipment({
          ...base,
          id: order.id * 10 + 2,
          location: MORENO_VALLEY,
          sku: 'SBX-TEE',
          quantity: 2,
          trackingNumber: tracking.tee,
        }),
      ],
    });
  }

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));
    database = await createTestDatabase();
    running = await startHub(loadConfig(testEnv(database)), {
      connectors: [...createConnectors({}), recording.connector],
    });
    const keys = { apiKey: randomBytes(12).toString('hex'), webhookSecret: randomBytes(12).toString('hex') };
    storefront = createStorefrontSimulator({ ...keys, webhookRetryDelayMs: 200 });
    const storefrontUrl = await storefront.listen(0);
    merchantId = (await api<{ id: string }>('POST', '/api/merchants', { name: 'Parcels merchant' })).body.id;
    const shop = await api<{ id: string; webhookUrl: string }>('POST', '/api/connections', {
      merchantId,
      connector: 'parcels-storefront',
      externalAccount: `storefront-${randomBytes(4).toString('hex')}`,
      settings: { baseUrl: storefrontUrl },
      credentials: keys,
    });
    expect(shop.status).toBe(201);
    storefront.setWebhookUrl(shop.body.webhookUrl);

    // ShipBob: the account, and its orders as the test ships them.
    nock(API)
      .get(`${VERSION}/channel`)
      .query(true)
      .reply(200, fixture('channels.json'))
      .get(`${VERSION}/webhook`)
      .query(true)
      .reply(200, { items: [], next: null })
      .post(`${VERSION}/webhook`, (body) => {
        secret = body.secret;
        webhookUrl = body.url;
        return true;
      })
      .reply(200, () => ({ ...fixture('webhook-created.json'), url: webhookUrl, secret }));
    const stocked = (sku: string) => ({
      inventory_id: sku === 'SBX-MUG' ? 1 : 2,
      sku,
      name: sku,
      locations: [CICERO, MORENO_VALLEY].map((c) => ({
        location_id: c.id,
        name: c.name,
        fulfillable_quantity: 10,
      })),
    });
    nock(API)
      .persist()
      .get(`${VERSION}/inventory-level/locations`)
      .query(true)
      .reply(200, { items: [stocked('SBX-MUG'), stocked('SBX-TEE')], next: null })
      .get(`${VERSION}/fulfillment-center`)
      .reply(200, fixture('fulfillment-centers.json'))
      .post(`${VERSION}/order`, (body) => created.push(body) > 0)
      .reply(201, () => {
        const id = nextOrderId++;
        const order = { ...fixture('order-created.json'), id, reference_id: created.at(-1)?.reference_id };
        shipBobOrders.set(id, order);
        return order;
      })
      .get((path) => new RegExp(`^${VERSION}/order/\\d+$`).test(path))
      // nock 15 hands a reply function the fetch Request.
      .reply(((request: Request) => {
        const order = shipBobOrders.get(Number(/(\d+)$/.exec(new URL(request.url).pathname)?.[1]));
        return order ? [200, order] : [404, { message: 'not found' }];
      }) as never);
    const connection = await api('POST', '/api/connections', {
      merchantId,
      connector: 'shipbob',
      externalAccount: 'production:parcels',
      settings: { shippingMethods: { standard: 'Standard' }, pollInventory: false },
      credentials: { accessToken: PAT },
      defaultFulfillment: true,
    });
    expect(connection.status).toBe(201);
    expect(secret).toMatch(/^whsec_/);
    expect(CHANNEL).toBe(100102);
  });

  afterAll(async () => {
    await storefront?.close();
    await running?.stop();
    await database?.drop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('writes each parcel back as its own fulfillment, with its own lines and tracking, as each ships', async () => {
    const order = await placeSubmittedOrder();

    // The mug leaves Cicero; the T-shirts are still being picked in Moreno Valley.
    shipInTwo(order.shipBob, { mug: '9400100000000000000001', tee: null }, '2026-11-27T15:00:00.000Z');
    await deliver(order.shipBob, order.shipBob.id * 10 + 1, '2026-11-27T15:00:00.000Z');
    await waitFor(
      async () => (storefront.fulfillmentsOf(order.storefrontOrderId).length === 1 ? true : undefined),
      'the first parcel at the storefront',
    );
    expect(storefront.fulfillmentsOf(order.storefrontOrderId)).toMatchObject([
      { tracking: { number: '9400100000000000000001' }, line_items: [{ id: order.mugLine, quantity: 1 }] },
    ]);

    // Then the T-shirts leave Moreno Valley, with their own tracking.
    shipInTwo(
      order.shipBob,
      { mug: '9400100000000000000001', tee: '9400100000000000000002' },
      '2026-11-28T09:00:00.000Z',
    );
    await deliver(order.shipBob, order.shipBob.id * 10 + 2, '2026-11-28T09:00:00.000Z');
    await waitFor(
      async () => (storefront.fulfillmentsOf(order.storefrontOrderId).length === 2 ? true : undefined),
      'the second parcel at the storefront',
    );
    const fulfillments = storefront.fulfillmentsOf(order.storefrontOrderId);
    expect(fulfillments[1]).toMatchObject({
      tracking: { number: '9400100000000000000002' },
      line_items: [{ id: order.teeLine, quantity: 2 }],
    });
    expect(new Set(fulfillments.map((f) => f.reference)).size).toBe(2);

    const shown = await waitFor(async () => {
      const current = await hubOrder(order.storefrontOrderId);
      return current?.shipments[0]?.parcels.every((p: any) => p.trackingWrittenBack) ? current : undefined;
    }, 'both parcels shown as written');
    expect(shown.status).toBe('shipped');
    expect(shown.shipments).toHaveLength(1);
    expect(shown.shipments[0]).toMatchObject({ status: 'shipped', trackingWrittenBack: true });
    expect(shown.shipments[0].parcels).toMatchObject([
      {
        externalId: String(order.shipBob.id * 10 + 1),
        status: 'shipped',
        location: '156',
        tracking: { carrier: 'USPS', number: '9400100000000000000001' },
        lines: [{ sku: 'SBX-MUG', quantity: 1 }],
        writtenLines: [{ sourceLineId: order.mugLine, sku: 'SBX-MUG', quantity: 1 }],
      },
      {
        externalId: String(order.shipBob.id * 10 + 2),
        status: 'shipped',
        location: '178',
        tracking: { number: '9400100000000000000002' },
        lines: [{ sku: 'SBX-TEE', quantity: 2 }],
      },
    ]);
    const written = shown.timeline.filter((e: any) => e.type === 'tracking.written');
    expect(written.map((e: any) => [e.detail.parcelId, e.detail.trackingNumber, e.detail.location])).toEqual(
      shown.shipments[0].parcels.map((p: any) => [p.id, p.tracking.number, p.location]),
    );

    // A redelivered ShipBob event from before the T-shirts shipped, read back as it was then,
    // changes nothing: the parcel stays shipped with its tracking, and nothing is written again.
    shipInTwo(order.shipBob, { mug: '9400100000000000000001', tee: null }, '2026-11-27T15:00:00.000Z');
    await deliver(order.shipBob, order.shipBob.id * 10 + 1, '2026-11-27T15:00:00.000Z');
    // And a read that lags ShipBob's own newer event does not take the parcel back either.
    await deliver(order.shipBob, order.shipBob.id * 10 + 1, '2026-11-29T10:00:00.000Z');
    await settled();
    const after = await hubOrder(order.storefrontOrderId);
    expect(after.shipments[0].parcels.map((p: any) => [p.status, p.tracking?.number])).toEqual([
      ['shipped', '9400100000000000000001'],
      ['shipped', '9400100000000000000002'],
    ]);
    expect(after.status).toBe('shipped');
    expect(storefront.fulfillmentsOf(order.storefrontOrderId)).toHaveLength(2);
    expect(recording.writesOf('9400100000000000000001')).toHaveLength(1);
    expect(recording.writesOf('9400100000000000000002')).toHaveLength(1);

    // Nothing is left to write: a person's retry writes nothing.
    expect((await api('POST', `/api/orders/${order.hubOrderId}/retry`)).status).toBe(409);
    expect(recording.writes.filter((w) => w.order.sourceOrderId === order.storefrontOrderId)).toHaveLength(2);
  });

  it('retries only the parcel whose write failed: the job’s retry, then a person’s', async () => {
    const order = await placeSubmittedOrder();
    const mug = '9400100000000000000011';
    const tee = '9400100000000000000012';
    // The storefront fails the T-shirts' write once (a timeout), and then refuses it (for a person).
    recording.refuseOnce(tee, new RetryableError('storefront_busy', 'the storefront timed out'));
    recording.refuseOnce(tee, new NeedsHumanError('tracking_rejected', 'the storefront refused it'));

    // Both parcels are reported shipped at once.
    shipInTwo(order.shipBob, { mug, tee }, '2026-11-28T12:00:00.000Z');
    await deliver(order.shipBob, order.shipBob.id * 10 + 2, '2026-11-28T12:00:00.000Z');
    const failed = await waitFor(async () => {
      const current = await hubOrder(order.storefrontOrderId);
      return current?.timeline.some((e: any) => e.type === 'tracking.write_failed') ? current : undefined;
    }, 'the write-back to fail');
    expect(storefront.fulfillmentsOf(order.storefrontOrderId)).toMatchObject([
      { tracking: { number: mug }, line_items: [{ id: order.mugLine, quantity: 1 }] },
    ]);
    expect(failed.shipments[0].trackingWrittenBack).toBe(false);
    expect(failed.shipments[0].parcels.map((p: any) => p.trackingWrittenBack)).toEqual([true, false]);
    // The job's retry wrote the T-shirts again, and not the mug.
    expect(recording.writesOf(mug)).toHaveLength(1);
    expect(recording.writesOf(tee)).toHaveLength(2);

    // A person retries the order: the T-shirts are written, the mug is not written again.
    const retried = await api('POST', `/api/orders/${order.hubOrderId}/retry`);
    expect(retried).toMatchObject({ status: 202, body: { action: 'write_tracking' } });
    await waitFor(
      async () => (storefront.fulfillmentsOf(order.storefrontOrderId).length === 2 ? true : undefined),
      'the T-shirts at the storefront',
    );
    expect(storefront.fulfillmentsOf(order.storefrontOrderId)[1]).toMatchObject({
      tracking: { number: tee },
      line_items: [{ id: order.teeLine, quantity: 2 }],
    });
    expect(recording.writesOf(mug)).toHaveLength(1);
    expect(recording.writesOf(tee)).toHaveLength(3);
    const done = await waitFor(async () => {
      const current = await hubOrder(order.storefrontOrderId);
      return current?.shipments[0]?.trackingWrittenBack ? current : undefined;
    }, 'the shipment to count as written');
    expect(done.timeline.filter((e: any) => e.type === 'tracking.written')).toHaveLength(2);
  });
});
