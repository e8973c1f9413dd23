import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStorefrontSimulator } from '../../../sandbox/storefront-simulator.ts';
import type { StorefrontSimulator } from '../../../sandbox/storefront-simulator-types.ts';
import {
  startWebhookReceiver,
  type WebhookReceiver,
} from '../../../sandbox/test/helpers/webhook-receiver.ts';
import { MalformedPayloadError, NeedsHumanError, RetryableError } from '../../../src/sdk/index.ts';
import { sandboxStorefront } from '../storefront-connector.ts';
import { orderPayload } from './helpers/order-payload.ts';
import { API_KEY, sandboxContext, sign, signedRequest, WEBHOOK_SECRET } from './helpers/sandbox-fixtures.ts';

const connector = sandboxStorefront;
const offline = sandboxContext('http://127.0.0.1:9');

describe('sandbox storefront: verifyWebhook', () => {
  // Deliberately not in JSON.stringify's form: spacing and non-ASCII must be signed as sent.
  const body = '{ "id": "7001000000000000001",  "name": "Zoë" }';

  it('accepts a signature over the exact raw bytes', () => {
    expect(connector.verifyWebhook(signedRequest('orders/create', body), offline)).toEqual({ ok: true });
  });

  it('rejects a signature over a re-serialized body', () => {
    const reserialized = sign(JSON.stringify(JSON.parse(body)));
    const result = connector.verifyWebhook(
      signedRequest('orders/create', body, { signature: reserialized }),
      offline,
    );
    expect(result).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a signature made with another secret', () => {
    const request = signedRequest('orders/create', body, { signature: sign(body, 'another-secret') });
    expect(connector.verifyWebhook(request, offline)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('fails closed without a signature', () => {
    const request = signedRequest('orders/create', body, { signature: null });
    expect(connector.verifyWebhook(request, offline)).toMatchObject({
      ok: false,
      reason: 'missing_signature',
    });
  });

  it('fails closed when the connection has no secret', () => {
    const request = signedRequest('orders/create', body);
    const noSecret = sandboxContext('http://127.0.0.1:9', { webhookSecret: '' });
    expect(connector.verifyWebhook(request, noSecret)).toMatchObject({ ok: false, reason: 'missing_secret' });
  });
});

describe('sandbox storefront: parseWebhook and toEvents', () => {
  const body = JSON.stringify(orderPayload());

  it('reads topic, event id and the order as serial key', () => {
    const parsed = connector.parseWebhook(
      signedRequest('orders/updated', body, { eventId: 'evt-42' }),
      offline,
    );
    expect(parsed).toEqual({
      topic: 'orders/updated',
      dedupeKey: 'evt-42',
      serialKey: 'order:7001000000000000123',
    });
  });

  it.each([
    ['an unknown topic', signedRequest('products/create', body)],
    ['no event id', signedRequest('orders/create', body, { eventId: null })],
    ['a body that is not JSON', signedRequest('orders/create', '<html>oops</html>')],
    [
      'a numeric order id',
      // A safe-range number: the sandbox sends ids as strings (larger numbers are read losslessly as digits).
      signedRequest('orders/create', body.replace('"7001000000000000123"', '7001')),
    ],
    [
      'a float price',
      signedRequest('orders/create', JSON.stringify(orderPayload({ total_price: 49.9 as never }))),
    ],
    [
      'no line items',
      signedRequest('orders/create', JSON.stringify({ ...orderPayload(), line_items: undefined })),
    ],
  ])('throws MalformedPayloadError for %s', (_case, request) => {
    expect(() => connector.parseWebhook(request, offline)).toThrow(MalformedPayloadError);
  });

  it('tolerates fields it does not know', () => {
    const extended = JSON.stringify({
      ...orderPayload(),
      loyalty_points: 12,
      line_items: orderPayload().line_items,
    });
    expect(connector.parseWebhook(signedRequest('orders/create', extended), offline).topic).toBe(
      'orders/create',
    );
  });

  it('maps orders/create to an upserted order', async () => {
    const events = await connector.toEvents(
      { topic: 'orders/create', ...signedRequest('orders/create', body) },
      offline,
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'order.upserted',
      order: { sourceOrderId: '7001000000000000123', totalMinor: 4990, readyToFulfill: true },
    });
  });

  it('maps orders/cancelled to a cancellation at the order’s update time', async () => {
    const events = await connector.toEvents(
      { topic: 'orders/cancelled', ...signedRequest('orders/cancelled', body) },
      offline,
    );
    expect(events).toEqual([
      {
        type: 'order.cancelled',
        sourceOrderId: '7001000000000000123',
        sourceUpdatedAt: '2025-03-01T10:05:00.000Z',
      },
    ]);
  });

  it('throws MalformedPayloadError in toEvents for a stored topic it does not handle', async () => {
    await expect(async () =>
      connector.toEvents({ topic: 'orders/paid', ...signedRequest('orders/paid', body) }, offline),
    ).rejects.toThrow(MalformedPayloadError);
  });
});

describe('sandbox storefront against the simulator', () => {
  let storefront: StorefrontSimulator;
  let receiver: WebhookReceiver;
  let baseUrl: string;

  // Fresh per test: every simulator numbers its orders from the same first id.
  beforeEach(async () => {
    receiver = await startWebhookReceiver();
    storefront = createStorefrontSimulator({
      apiKey: API_KEY,
      webhookSecret: WEBHOOK_SECRET,
      webhookRetryDelayMs: 10,
    });
    baseUrl = await storefront.listen();
  });
  afterEach(async () => {
    await storefront.close();
    await receiver.close();
  });

  it('receives a signed orders/create webhook that maps to the order placed', async () => {
    storefront.setWebhookUrl(receiver.url);
    const placed = storefront.placeOrder({
      lines: [{ sku: 'SBX-MUG', quantity: 2 }],
      shipping_address: {
        name: 'Zoë Müller',
        company: null,
        address1: 'Rynek Główny 1',
        address2: null,
        city: 'Kraków',
        province: null,
        zip: '31-042',
        country_code: 'PL',
        phone: null,
      },
    });
    const delivery = await receiver.waitFor((d) => d.rawBody.includes(placed.id));
    const context = sandboxContext(baseUrl);
    expect(connector.verifyWebhook(delivery, context)).toEqual({ ok: true });
    const parsed = connector.parseWebhook(delivery, context);
    expect(parsed.serialKey).toBe(`order:${placed.id}`);
    const [event] = await connector.toEvents({ topic: parsed.topic, ...delivery }, context);
    expect(event).toMatchObject({
      type: 'order.upserted',
      order: {
        sourceOrderId: placed.id,
        totalMinor: 2500,
        shippingAddress: { name: 'Zoë Müller', city: 'Kraków', countryCode: 'PL' },
        lines: [
          { sourceLineId: placed.line_items[0]?.id, sku: 'SBX-MUG', quantity: 2, unitPriceMinor: 1250 },
        ],
      },
    });
  });

  it('redelivers an event with the same event id and a new delivery id', async () => {
    storefront.setWebhookUrl(receiver.url);
    const placed = storefront.placeOrder();
    const first = await receiver.waitFor((d) => d.rawBody.includes(placed.id));
    const eventId = first.headers['x-sandbox-event-id'] ?? '';
    storefront.resend(eventId);
    await storefront.webhooksSettled();
    const copies = receiver.received.filter((d) => d.headers['x-sandbox-event-id'] === eventId);
    expect(copies).toHaveLength(2);
    expect(copies[1]?.rawBody.equals(first.rawBody)).toBe(true);
    expect(copies[1]?.headers['x-sandbox-delivery-id']).not.toBe(first.headers['x-sandbox-delivery-id']);
    expect(connector.parseWebhook(copies[1]!, sandboxContext(baseUrl)).dedupeKey).toBe(eventId);
  });

  it('writes tracking once however often it is called with the same shipment', async () => {
    const order = storefront.placeOrder({ lines: [{ sku: 'SBX-CAP', quantity: 1 }] });
    const input = {
      order: { sourceOrderId: order.id, sourceOrderName: order.name, sourceData: {} },
      previousExternalId: null,
      shipment: {
        id: 'shp_0001',
        lines: [{ sourceLineId: order.line_items[0]!.id, sku: 'SBX-CAP', quantity: 1 }],
        tracking: {
          carrier: 'UPS',
          number: '1ZSBX0001',
          url: 'https://tracking.sandbox.example/ups/1ZSBX0001',
        },
      },
    };
    const first = await connector.writeTracking(sandboxContext(baseUrl), input);
    const second = await connector.writeTracking(sandboxContext(baseUrl), input);
    expect(second.externalId).toBe(first.externalId);
    const fulfillments = storefront.fulfillmentsOf(order.id);
    expect(fulfillments).toHaveLength(1);
    expect(fulfillments[0]).toMatchObject({
      id: first.externalId,
      reference: 'shp_0001',
      tracking: input.shipment.tracking,
    });
  });

  it('asks a human when the order is unknown or the tracking is refused', async () => {
    const tracking = { carrier: 'DHL', number: 'JJD1', url: null };
    const unknown = connector.writeTracking(sandboxContext(baseUrl), {
      order: { sourceOrderId: '7001999999999999999', sourceOrderName: '#9999', sourceData: {} },
      previousExternalId: null,
      shipment: { id: 'shp_x', lines: [{ sourceLineId: '1', sku: 'SBX-MUG', quantity: 1 }], tracking },
    });
    await expect(unknown).rejects.toMatchObject({ name: 'NeedsHumanError', code: 'order_not_found' });

    const order = storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] });
    const tooMany = connector.writeTracking(sandboxContext(baseUrl), {
      order: { sourceOrderId: order.id, sourceOrderName: order.name, sourceData: {} },
      previousExternalId: null,
      shipment: {
        id: 'shp_y',
        lines: [{ sourceLineId: order.line_items[0]!.id, sku: 'SBX-MUG', quantity: 5 }],
        tracking,
      },
    });
    await expect(tooMany).rejects.toBeInstanceOf(NeedsHumanError);
    await expect(tooMany).rejects.toMatchObject({ code: 'tracking_rejected' });
    expect(storefront.fulfillmentsOf(order.id)).toHaveLength(0);
  });

  it('reports a wrong API key as a credentials problem', async () => {
    const wrongKey = sandboxContext(baseUrl, { apiKey: 'nope' });
    await expect(
      connector.publishStock(wrongKey, [{ sku: 'SBX-MUG', available: 1 }], { idempotencyKey: 'k1' }),
    ).rejects.toMatchObject({
      name: 'NeedsHumanError',
      code: 'credentials_rejected',
    });
  });

  it('publishes stock levels', async () => {
    await connector.publishStock(
      sandboxContext(baseUrl),
      [
        { sku: 'SBX-MUG', available: 42 },
        { sku: 'SBX-CAP', available: 0 },
      ],
      { idempotencyKey: 'k2' },
    );
    expect(storefront.inventory()).toMatchObject({ 'SBX-MUG': 42, 'SBX-CAP': 0 });
  });

  it('polls every change across pages and moves the cursor to the newest one', async () => {
    const placed = Array.from({ length: 260 }, () => storefront.placeOrder());
    const context = sandboxContext(baseUrl);

    const all = await connector.pollSince(context, null);
    expect(all.events).toHaveLength(260);
    expect(all.events.map((event) => event.type === 'order.upserted' && event.order.sourceOrderId)).toEqual(
      placed.map((order) => order.id),
    );
    expect(all.nextCursor).toBe(placed.at(-1)?.updated_at);

    const nothing = await connector.pollSince(context, all.nextCursor);
    expect(nothing).toEqual({ events: [], nextCursor: null });

    storefront.pauseWebhooks(true);
    const target = placed[10]!;
    const cancelled = storefront.cancelOrder(target.id);
    const late = storefront.placeOrder();
    const changes = await connector.pollSince(context, all.nextCursor);
    expect(changes.events).toEqual([
      expect.objectContaining({
        type: 'order.upserted',
        order: expect.objectContaining({ sourceOrderId: target.id, cancelled: true, readyToFulfill: false }),
      }),
      expect.objectContaining({
        type: 'order.upserted',
        order: expect.objectContaining({ sourceOrderId: late.id }),
      }),
    ]);
    expect(changes.nextCursor).toBe(late.updated_at);
    expect(cancelled.updated_at < late.updated_at).toBe(true);
    expect(storefront.events().filter((event) => event.outcome === 'suppressed')).toHaveLength(2);
  });
});

describe('sandbox storefront against a misbehaving API', () => {
  let server: FastifyInstance;
  let baseUrl: string;

  beforeAll(async () => {
    server = Fastify();
    server.get('/api/orders', async () => ({ orders: [{ id: 17, name: '#1' }] })); // a numeric id: refused
    server.post('/api/orders/:id/fulfillments', async (_request, reply) => reply.code(503).send('busy'));
    baseUrl = await server.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => server.close());

  it('treats an answer that does not match the schema as retryable', async () => {
    const poll = connector.pollSince(sandboxContext(baseUrl), null);
    await expect(poll).rejects.toBeInstanceOf(RetryableError);
    await expect(poll).rejects.toMatchObject({ code: 'invalid_response' });
  });

  it('treats a 5xx as retryable', async () => {
    const write = connector.writeTracking(sandboxContext(baseUrl), {
      order: { sourceOrderId: '1', sourceOrderName: '#1', sourceData: {} },
      previousExternalId: null,
      shipment: { id: 's', lines: [], tracking: { carrier: null, number: 'n', url: null } },
    });
    await expect(write).rejects.toBeInstanceOf(RetryableError);
  });
});

describe('sandbox storefront: manifest', () => {
  it('describes a storefront connector', () => {
    expect(connector.manifest).toMatchObject({ name: 'sandbox-storefront', role: 'storefront' });
  });
});
