import { afterEach, describe, expect, it } from 'vitest';
import { createThreePlSimulator } from '../../../sandbox/three-pl-simulator.ts';
import type { ThreePlSimulator, ThreePlSimulatorOptions } from '../../../sandbox/three-pl-simulator-types.ts';
import {
  MalformedPayloadError,
  NeedsHumanError,
  RetryableError,
  type ShipmentRequest,
} from '../../../src/sdk/index.ts';
import { sandbox3pl } from '../fulfillment-connector.ts';
import { API_KEY, sandboxContext, sign, signedRequest, WEBHOOK_SECRET } from './helpers/sandbox-fixtures.ts';

const connector = sandbox3pl;
const offline = sandboxContext('http://127.0.0.1:9');

function shipmentRequest(overrides: Partial<ShipmentRequest> = {}): ShipmentRequest {
  return {
    reference: 'shp_0001',
    orderName: '#1001',
    email: 'zoe.mueller@example.com',
    shipTo: {
      name: 'Zoë Müller',
      address1: 'ul. Floriańska 3/5',
      city: 'Kraków',
      postalCode: '31-019',
      countryCode: 'PL',
    },
    shippingMethod: 'standard',
    lines: [{ sku: 'SBX-MUG', name: 'Sandbox mug', quantity: 2 }],
    ...overrides,
  };
}

const shippedBody = JSON.stringify({
  event_id: 'evt-9',
  topic: 'shipment.shipped',
  occurred_at: '2025-03-01T12:00:00.000Z',
  order: {
    id: 'SBX-000007',
    reference: 'shp_0007',
    status: 'shipped',
    updated_at: '2025-03-01T12:00:00.000Z',
    shipment: {
      carrier: 'UPS',
      tracking_number: '1ZSBX7',
      tracking_url: 'https://t.example/1ZSBX7',
      shipped_at: 'x',
    },
  },
});

const stockBody = JSON.stringify({
  event_id: 'evt-10',
  topic: 'stock.changed',
  occurred_at: '2025-03-01T12:00:01.000Z',
  location: 'SBX-WH-1',
  levels: [{ sku: 'SBX-MUG', available: 7 }],
});

describe('sandbox 3PL: webhooks', () => {
  it('verifies the signature over the raw bytes and fails closed', () => {
    expect(connector.verifyWebhook(signedRequest('shipment.shipped', shippedBody), offline)).toEqual({
      ok: true,
    });
    const tampered = {
      ...signedRequest('shipment.shipped', shippedBody),
      rawBody: Buffer.from(`${shippedBody} `),
    };
    expect(connector.verifyWebhook(tampered, offline)).toMatchObject({ ok: false, reason: 'bad_signature' });
    const unsigned = signedRequest('shipment.shipped', shippedBody, { signature: null });
    expect(connector.verifyWebhook(unsigned, offline)).toMatchObject({
      ok: false,
      reason: 'missing_signature',
    });
    const wrongSecret = signedRequest('shipment.shipped', shippedBody, {
      signature: sign(shippedBody, 'other'),
    });
    expect(connector.verifyWebhook(wrongSecret, offline)).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('serializes shipment events per shipment and stock events together', async () => {
    expect(
      connector.parseWebhook(signedRequest('shipment.shipped', shippedBody, { eventId: 'evt-9' }), offline),
    ).toEqual({
      topic: 'shipment.shipped',
      dedupeKey: 'evt-9',
      serialKey: 'shipment:shp_0007',
    });
    expect(connector.parseWebhook(signedRequest('stock.changed', stockBody), offline).serialKey).toBe(
      'stock',
    );
  });

  it.each([
    ['an unknown topic', signedRequest('order.created', shippedBody)],
    ['no event id', signedRequest('shipment.shipped', shippedBody, { eventId: null })],
    ['a body that is not JSON', signedRequest('shipment.shipped', 'not json')],
    ['a stock body under a shipment topic', signedRequest('shipment.shipped', stockBody)],
    [
      'an unknown status',
      signedRequest('shipment.shipped', shippedBody.replace('"status":"shipped"', '"status":"lost"')),
    ],
  ])('throws MalformedPayloadError for %s', (_case, request) => {
    expect(() => connector.parseWebhook(request, offline)).toThrow(MalformedPayloadError);
  });

  it('maps shipment and stock events', async () => {
    const shipped = signedRequest('shipment.shipped', shippedBody);
    expect(await connector.toEvents({ topic: 'shipment.shipped', ...shipped }, offline)).toEqual([
      {
        type: 'shipment.updated',
        reference: 'shp_0007',
        externalId: 'SBX-000007',
        status: 'shipped',
        tracking: { carrier: 'UPS', number: '1ZSBX7', url: 'https://t.example/1ZSBX7' },
        reason: null,
        occurredAt: '2025-03-01T12:00:00.000Z',
      },
    ]);
    const stock = signedRequest('stock.changed', stockBody);
    expect(await connector.toEvents({ topic: 'stock.changed', ...stock }, offline)).toEqual([
      {
        type: 'stock.changed',
        levels: [{ sku: 'SBX-MUG', location: 'SBX-WH-1', available: 7 }],
        occurredAt: '2025-03-01T12:00:01.000Z',
      },
    ]);
  });
});

describe('sandbox 3PL against the simulator', () => {
  let threePl: ThreePlSimulator | null = null;

  async function start(options: Partial<ThreePlSimulatorOptions> = {}) {
    threePl = createThreePlSimulator({
      apiKey: API_KEY,
      webhookSecret: WEBHOOK_SECRET,
      shipDelayMs: 0,
      ...options,
    });
    const baseUrl = await threePl.listen();
    return { sim: threePl, context: sandboxContext(baseUrl) };
  }

  afterEach(async () => {
    await threePl?.close();
    threePl = null;
  });

  it('submits a shipment, allocating stock and keeping the address intact', async () => {
    const { sim, context } = await start({ stock: { 'SBX-MUG': 10 } });
    const submitted = await connector.submitShipment(context, shipmentRequest());
    expect(submitted).toEqual({ externalId: 'SBX-000001', status: 'accepted' });
    const [order] = sim.ordersByReference('shp_0001');
    expect(order).toMatchObject({
      id: 'SBX-000001',
      status: 'accepted',
      ship_to: { name: 'Zoë Müller', city: 'Kraków', zip: '31-019', country_code: 'PL', company: null },
      lines: [{ sku: 'SBX-MUG', quantity: 2 }],
    });
    expect(sim.stock()['SBX-MUG']).toBe(8);
  });

  it('creates one remote order when the response to the create is lost and the hub retries', async () => {
    const { sim, context } = await start({ failAfterCreate: 1 });
    const first = connector.submitShipment(context, shipmentRequest());
    await expect(first).rejects.toBeInstanceOf(RetryableError);
    const retry = await connector.submitShipment(context, shipmentRequest());
    expect(retry).toEqual({ externalId: sim.ordersByReference('shp_0001')[0]?.id, status: 'accepted' });
    expect(sim.ordersByReference('shp_0001')).toHaveLength(1);
    expect(sim.orders()).toHaveLength(1);
    expect(sim.createAttempts()).toBe(2);
  });

  it('creates one remote order when two submits of one shipment race', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { sim, context } = await start({ beforeCreateResponse: () => held });
    const first = connector.submitShipment(context, shipmentRequest());
    while (sim.orders().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await connector.submitShipment(context, shipmentRequest());
    release();
    expect((await first).externalId).toBe(second.externalId);
    expect(sim.orders()).toHaveLength(1);
  });

  it('treats an outage as retryable and creates nothing', async () => {
    const { sim, context } = await start({ failFirstCreates: 1 });
    const failed = connector.submitShipment(context, shipmentRequest());
    await expect(failed).rejects.toBeInstanceOf(RetryableError);
    await expect(failed).rejects.toMatchObject({ code: 'remote_unavailable' });
    expect(sim.orders()).toHaveLength(0);
    await expect(connector.submitShipment(context, shipmentRequest())).resolves.toMatchObject({
      status: 'accepted',
    });
    expect(sim.orders()).toHaveLength(1);
  });

  it('asks a human about a SKU the 3PL does not stock', async () => {
    const { sim, context } = await start();
    const lines = [
      { sku: 'SBX-MUG', name: 'Mug', quantity: 1 },
      { sku: 'NOPE-1', name: 'Ghost', quantity: 1 },
    ];
    const failed = connector.submitShipment(context, shipmentRequest({ lines }));
    await expect(failed).rejects.toBeInstanceOf(NeedsHumanError);
    await expect(failed).rejects.toMatchObject({ code: 'unknown_sku', context: { skus: ['NOPE-1'] } });
    expect(sim.orders()).toHaveLength(0);
  });

  it('asks a human when the 3PL rejects a SKU', async () => {
    const { context } = await start({ rejectSkus: ['SBX-CAP'] });
    const lines = [{ sku: 'SBX-CAP', name: 'Cap', quantity: 1 }];
    const failed = connector.submitShipment(context, shipmentRequest({ lines }));
    await expect(failed).rejects.toMatchObject({ name: 'NeedsHumanError', code: '3pl_rejected' });
    await expect(failed).rejects.toThrow(/SBX-CAP/);
  });

  it('asks a human when the 3PL refuses the request body', async () => {
    const { context } = await start();
    const shipTo = { ...shipmentRequest().shipTo, countryCode: 'Poland' };
    const failed = connector.submitShipment(context, shipmentRequest({ shipTo }));
    await expect(failed).rejects.toMatchObject({
      name: 'NeedsHumanError',
      code: '3pl_rejected',
      context: { status: 400 },
    });
  });

  it('cancels an unshipped order, releasing stock, and reports a refusal once shipped', async () => {
    const { sim, context } = await start({ stock: { 'SBX-MUG': 10 } });
    const a = await connector.submitShipment(context, shipmentRequest({ reference: 'shp_a' }));
    const b = await connector.submitShipment(context, shipmentRequest({ reference: 'shp_b' }));
    expect(sim.stock()['SBX-MUG']).toBe(6);

    const cancelled = await connector.cancelShipment(context, {
      reference: 'shp_a',
      externalId: a.externalId,
      data: {},
    });
    expect(cancelled).toEqual({ outcome: 'cancelled', reason: null });
    expect(sim.stock()['SBX-MUG']).toBe(8);

    sim.shipNow(b.externalId);
    const refused = await connector.cancelShipment(context, {
      reference: 'shp_b',
      externalId: b.externalId,
      data: {},
    });
    expect(refused).toEqual({ outcome: 'refused', reason: 'already_shipped' });

    const missing = connector.cancelShipment(context, {
      reference: 'shp_c',
      externalId: 'SBX-999999',
      data: {},
    });
    await expect(missing).rejects.toMatchObject({ code: '3pl_order_not_found' });
  });

  it('fetches stock at the 3PL’s location', async () => {
    const { context } = await start({ stock: { 'SBX-MUG': 5, 'SBX-CAP': 0 }, location: 'SBX-WH-9' });
    await expect(connector.fetchStock(context)).resolves.toEqual([
      { sku: 'SBX-MUG', location: 'SBX-WH-9', available: 5 },
      { sku: 'SBX-CAP', location: 'SBX-WH-9', available: 0 },
    ]);
  });

  it('polls shipped and cancelled orders and moves the cursor past accepted ones', async () => {
    const { sim, context } = await start();
    const shipped = await connector.submitShipment(context, shipmentRequest({ reference: 'shp_1' }));
    const cancelled = await connector.submitShipment(context, shipmentRequest({ reference: 'shp_2' }));
    sim.shipNow(shipped.externalId);
    await connector.cancelShipment(context, {
      reference: 'shp_2',
      externalId: cancelled.externalId,
      data: {},
    });
    // The newest change is an accepted order: no event, but the cursor must still move past it.
    await connector.submitShipment(context, shipmentRequest({ reference: 'shp_3' }));

    const first = await connector.pollSince(context, null);
    const tracking = sim.ordersByReference('shp_1')[0]?.shipment;
    expect(first.events).toEqual([
      expect.objectContaining({
        reference: 'shp_1',
        status: 'shipped',
        tracking: {
          carrier: tracking?.carrier,
          number: tracking?.tracking_number,
          url: tracking?.tracking_url,
        },
      }),
      expect.objectContaining({ reference: 'shp_2', status: 'cancelled', tracking: null }),
    ]);
    expect(first.nextCursor).toBe(sim.ordersByReference('shp_3')[0]?.updated_at);
    await expect(connector.pollSince(context, first.nextCursor)).resolves.toEqual({
      events: [],
      nextCursor: null,
    });
  });
});
