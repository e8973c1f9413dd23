/** The simulators' own HTTP contracts, which the e2e tests and benchmarks drive directly. */
import { afterEach, describe, expect, it } from 'vitest';
import { createStorefrontSimulator } from '../storefront-simulator.ts';
import type { StorefrontSimulator } from '../storefront-simulator-types.ts';
import { createThreePlSimulator } from '../three-pl-simulator.ts';
import type { ThreePlSimulator } from '../three-pl-simulator-types.ts';
import { API_KEY, sign, WEBHOOK_SECRET } from './helpers/signing.ts';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.ts';

const auth = { authorization: `Bearer ${API_KEY}` };
const json = { ...auth, 'content-type': 'application/json' };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function storefront(options: { orderIntervalMs?: number; webhookUrl?: string } = {}) {
  const sim: StorefrontSimulator = createStorefrontSimulator({
    apiKey: API_KEY,
    webhookSecret: WEBHOOK_SECRET,
    ...options,
  });
  const baseUrl = await sim.listen();
  cleanups.push(() => sim.close());
  return { sim, baseUrl };
}

async function threePl() {
  const sim: ThreePlSimulator = createThreePlSimulator({
    apiKey: API_KEY,
    webhookSecret: WEBHOOK_SECRET,
    shipDelayMs: 0,
  });
  const baseUrl = await sim.listen();
  cleanups.push(() => sim.close());
  return { sim, baseUrl };
}

async function receiver(): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver();
  cleanups.push(() => started.close());
  return started;
}

describe('storefront simulator', () => {
  it('requires the bearer API key on every endpoint', async () => {
    const { baseUrl } = await storefront();
    for (const path of ['/api/orders', '/api/inventory', '/api/orders/1']) {
      expect((await fetch(`${baseUrl}${path}`)).status).toBe(401);
      expect((await fetch(`${baseUrl}${path}`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(
        401,
      );
    }
    expect((await fetch(`${baseUrl}/api/orders`, { headers: auth })).status).toBe(200);
  });

  it('places an order over HTTP and announces it with a fully signed webhook', async () => {
    const hub = await receiver();
    const { sim, baseUrl } = await storefront({ webhookUrl: hub.url });
    const response = await fetch(`${baseUrl}/sim/orders`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ lines: [{ sku: 'SBX-TEE-M', quantity: 3 }], financial_status: 'pending' }),
    });
    expect(response.status).toBe(201);
    const { order } = (await response.json()) as {
      order: { id: string; total_price: string; financial_status: string };
    };
    expect(order).toMatchObject({ total_price: '59.70', financial_status: 'pending' });
    expect(order.id).toMatch(/^\d{19}$/);
    expect(sim.getOrder(order.id)).toEqual(order);

    const delivery = await hub.waitFor(() => true);
    expect(delivery.headers).toMatchObject({
      'content-type': 'application/json',
      'x-sandbox-topic': 'orders/create',
      'x-sandbox-signature': sign(delivery.rawBody),
    });
    expect(delivery.headers['x-sandbox-event-id']).toBe(sim.events()[0]?.eventId);
    expect(delivery.headers['x-sandbox-delivery-id']).toBe(sim.events()[0]?.attempts[0]?.deliveryId);
  });

  it('announces updates and cancellations with strictly increasing updated_at', async () => {
    const { sim } = await storefront();
    const placed = sim.placeOrder();
    const updated = sim.updateOrder(placed.id, { note: 'leave at the door' });
    const cancelled = sim.cancelOrder(placed.id);
    expect(placed.updated_at < updated.updated_at && updated.updated_at < cancelled.updated_at).toBe(true);
    expect(cancelled.cancelled_at).toBe(cancelled.updated_at);
    expect(sim.events().map((event) => event.topic)).toEqual([
      'orders/create',
      'orders/updated',
      'orders/cancelled',
    ]);
  });

  it('pages orders by updated_at and refuses limits it would not honour', async () => {
    const { sim, baseUrl } = await storefront();
    const placed = [sim.placeOrder(), sim.placeOrder(), sim.placeOrder()];
    const page = async (query: string) => {
      const response = await fetch(`${baseUrl}/api/orders?${query}`, { headers: auth });
      return { status: response.status, body: (await response.json()) as { orders?: { id: string }[] } };
    };
    const since = encodeURIComponent(placed[0]!.updated_at);
    expect((await page(`updated_since=${since}&limit=1`)).body.orders?.map((o) => o.id)).toEqual([
      placed[1]?.id,
    ]);
    expect((await page('limit=251')).status).toBe(400);
    expect((await page('limit=0')).status).toBe(400);
    expect((await page('updated_since=yesterday')).status).toBe(400);
  });

  it('validates fulfillment bodies', async () => {
    const { sim, baseUrl } = await storefront();
    const order = sim.placeOrder();
    const response = await fetch(`${baseUrl}/api/orders/${order.id}/fulfillments`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        reference: 'shp_1',
        line_items: [{ id: order.line_items[0]?.id, quantity: '1' }],
      }),
    });
    expect(response.status).toBe(400);
    expect(sim.fulfillmentsOf(order.id)).toEqual([]);
  });

  it('places demo orders on a timer once listening, and stops when closed', async () => {
    const { sim } = await storefront({ orderIntervalMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 130));
    await sim.close();
    const count = sim.listOrders().length;
    expect(count).toBeGreaterThanOrEqual(3);
    for (const order of sim.listOrders()) {
      expect(order.line_items.length).toBeGreaterThanOrEqual(1);
      expect(order.line_items.length).toBeLessThanOrEqual(3);
    }
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(sim.listOrders()).toHaveLength(count);
  });
});

describe('3PL simulator', () => {
  it('requires the bearer API key', async () => {
    const { sim, baseUrl } = await threePl();
    expect((await fetch(`${baseUrl}/v1/stock`)).status).toBe(401);
    expect(
      (
        await fetch(`${baseUrl}/v1/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
      ).status,
    ).toBe(401);
    expect(sim.createAttempts()).toBe(0);
  });

  it('refuses a second order with the same reference and finds the first by reference', async () => {
    const { sim, baseUrl } = await threePl();
    const body = JSON.stringify({
      reference: 'shp_dup',
      order_number: '#1',
      email: null,
      ship_to: { name: 'Ana Núñez', address1: 'Calle de Alcalá 48', city: 'Madrid', country_code: 'ES' },
      shipping_method: null,
      lines: [{ sku: 'SBX-SOCKS', name: 'Socks', quantity: 1 }],
    });
    const created = await fetch(`${baseUrl}/v1/orders`, { method: 'POST', headers: json, body });
    expect(created.status).toBe(201);
    const { order } = (await created.json()) as { order: { id: string; status: string; shipment: null } };
    expect(order).toMatchObject({ status: 'accepted', shipment: null });

    const again = await fetch(`${baseUrl}/v1/orders`, { method: 'POST', headers: json, body });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: 'duplicate_reference', order_id: order.id });

    const found = await fetch(`${baseUrl}/v1/orders?reference=shp_dup`, { headers: auth });
    expect(((await found.json()) as { orders: { id: string }[] }).orders.map((o) => o.id)).toEqual([
      order.id,
    ]);
    expect(sim.orders()).toHaveLength(1);
    expect(sim.createAttempts()).toBe(2);
  });

  it('sets stock over HTTP and reports it with its location', async () => {
    const { sim, baseUrl } = await threePl();
    const set = await fetch(`${baseUrl}/sim/stock`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ sku: 'SBX-MUG', available: 3 }),
    });
    expect(set.status).toBe(200);
    expect(sim.stock()['SBX-MUG']).toBe(3);
    const stock = (await (await fetch(`${baseUrl}/v1/stock`, { headers: auth })).json()) as Record<
      string,
      unknown
    >;
    expect(stock).toMatchObject({
      location: 'SBX-WH-1',
      levels: expect.arrayContaining([{ sku: 'SBX-MUG', available: 3 }]),
    });
    expect(sim.events().map((event) => event.topic)).toEqual(['stock.changed']);
  });
});

describe('simulators restarted on the hub’s old data', () => {
  it('never hand out an id of an earlier run', async () => {
    const options = { apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET, shipDelayMs: 0 };
    const address = {
      name: 'A. Customer',
      address1: '1 Main St',
      city: 'Berlin',
      country_code: 'DE',
    };
    const runs = [Date.now(), Date.now() + 1];
    const ids = runs.map((runId) => {
      const storefront = createStorefrontSimulator({ ...options, runId });
      const orders = [storefront.placeOrder(), storefront.placeOrder()];
      return {
        orders: orders.map((order) => order.id),
        lines: orders.flatMap((order) => order.line_items.map((line) => line.id)),
      };
    });
    expect(ids[0]!.orders).toHaveLength(2);
    expect(ids[1]!.orders.filter((id) => ids[0]!.orders.includes(id))).toEqual([]);
    expect(ids[1]!.lines.filter((id) => ids[0]!.lines.includes(id))).toEqual([]);
    // Still Shopify-sized: far above 2^53, so a reader that parses them as numbers corrupts them.
    expect(BigInt(ids[1]!.orders[0]!)).toBeGreaterThan(2n ** 53n);

    const remoteIds: string[] = [];
    for (const runId of runs) {
      const sim = createThreePlSimulator({ ...options, runId });
      const baseUrl = await sim.listen();
      cleanups.push(() => sim.close());
      const response = await fetch(`${baseUrl}/v1/orders`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({
          reference: `ref-${runId}`,
          order_number: '#1001',
          ship_to: address,
          lines: [{ sku: 'SBX-TEE-M', name: 'Tee', quantity: 1 }],
        }),
      });
      expect(response.status).toBe(201);
      remoteIds.push(((await response.json()) as any).order.id);
    }
    expect(new Set(remoteIds).size).toBe(2);
    expect(() => createThreePlSimulator({ ...options, runId: -1 })).toThrow(RangeError);
  });
});
