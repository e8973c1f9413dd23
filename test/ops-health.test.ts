/**
 * What ops can do and see without waiting for the schedule or reading logs, over HTTP: reconcile a
 * connection now, a connection's health, the SKUs a storefront refused, one waiting publication
 * per storefront however many stock changes arrive, a failed delivery on its order, and what a
 * replay or an order retry did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxStorefront } from '../connectors/sandbox/index.ts';
import type { StorefrontConnector } from '../src/sdk/contracts.ts';
import { hmacSha256 } from '../src/sdk/signature.ts';
import { findOrder, startTestHub, type TestHub, waitFor, waitForOrderStatus } from './helpers/test-hub.ts';

/** Jobs of a queue ready to run and not started, as the hub's metrics say. */
async function pendingJobs(hub: TestHub, queue: string): Promise<number> {
  const text = await (await fetch(`${hub.running.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`hub_jobs_pending{queue="${queue}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/** Processed deliveries of a topic on a connection. */
async function processed(hub: TestHub, connectionId: string, topic: string): Promise<number> {
  const { body } = await hub.api<{ items: any[] }>(
    'GET',
    `/api/deliveries?connectionId=${connectionId}&status=processed&limit=200`,
  );
  return body.items.filter((d) => d.topic === topic).length;
}

describe('reconciling a connection now', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => hub?.stop());

  it('recovers an order whose webhook never came, at once, and says what it found', async () => {
    hub.storefront.pauseWebhooks(true);
    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] });
    hub.storefront.pauseWebhooks(false);

    const answer = await hub.api('POST', `/api/connections/${hub.storefrontConnectionId}/reconcile`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      connectionId: hub.storefrontConnectionId,
      trigger: 'api',
      outcome: 'completed',
      // The sandbox storefront has no health check.
      health: null,
      recovered: { 'order.upserted': 1 },
      error: null,
    });
    expect(answer.body.polled).toBeGreaterThanOrEqual(1);
    expect(answer.body.recorded).toBeGreaterThanOrEqual(1);
    expect(answer.body.cursor.after).toEqual(expect.any(String));
    await waitFor(async () => {
      const order = await findOrder(hub, placed.id);
      return order?.status === 'shipped' && order.shipments[0]?.trackingWrittenBack;
    }, 'the order to ship and its tracking to be written back');

    // Writing the tracking back changed the order at the storefront, which sends no webhook for it:
    // the next reconciliation finds that version; one more finds nothing new.
    await hub.api('POST', `/api/connections/${hub.storefrontConnectionId}/reconcile`);
    const again = await hub.api('POST', `/api/connections/${hub.storefrontConnectionId}/reconcile`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: 'completed', recorded: 0, recovered: {} });
  });

  it('shows the connection’s health: last delivery, last reconciliation, failed deliveries', async () => {
    const { status, body } = await hub.api('GET', `/api/connections/${hub.storefrontConnectionId}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: hub.storefrontConnectionId, status: 'active' });
    expect(body.health).toMatchObject({
      lastDelivery: { topic: expect.any(String), receivedAt: expect.any(String) },
      failedDeliveries: 0,
      reconciling: false,
      lastReconciliation: {
        trigger: 'api',
        outcome: 'completed',
        recovered: {},
        error: null,
        at: expect.any(String),
      },
      platform: null,
    });
  });

  it('answers 404 for an unknown connection', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await hub.api('POST', `/api/connections/${unknown}/reconcile`)).status).toBe(404);
    expect((await hub.api('GET', `/api/connections/${unknown}`)).status).toBe(404);
  });
});

/** The sandbox storefront, whose stock publications can be held at the door and are recorded. */
function gatedStorefront() {
  let release: (() => void) | null = null;
  let closed: Promise<void> | null = null;
  const gate = {
    calls: [] as { sku: string; available: number }[][],
    held: 0,
    close() {
      closed = new Promise((resolve) => {
        release = resolve;
      });
    },
    open() {
      release?.();
      closed = null;
    },
  };
  const connector: StorefrontConnector = {
    ...sandboxStorefront,
    manifest: { ...sandboxStorefront.manifest, name: 'gated-storefront' },
    async publishStock(context, levels, options) {
      gate.calls.push(levels);
      if (closed) {
        gate.held += 1;
        await closed;
      }
      return sandboxStorefront.publishStock(context, levels, options);
    },
  };
  return { connector, gate };
}

describe('stock publication', () => {
  const { connector, gate } = gatedStorefront();
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({
      storefrontConnector: connector,
      storefront: { refuseStockSkus: ['SBX-CAP'] },
      threePl: {
        stock: { 'SBX-TEE-S': 10, 'SBX-TEE-M': 10, 'SBX-MUG': 10, 'SBX-CAP': 10, 'SBX-SOCKS': 10 },
      },
    });
  });
  afterAll(async () => {
    gate.open();
    await hub?.stop();
  });

  it('records the SKUs a storefront refuses and shows them on the connection, and publishes the others', async () => {
    hub.threePl.setStock('SBX-CAP', 40);
    hub.threePl.setStock('SBX-MUG', 41);
    await waitFor(
      async () => hub.storefront.inventory()['SBX-MUG'] === 41,
      'the mug’s count to be published',
    );
    const health = await waitFor(async () => {
      const { body } = await hub.api('GET', `/api/connections/${hub.storefrontConnectionId}`);
      return body.health.stockFailures.length > 0 ? body.health : undefined;
    }, 'the refusal to show on the connection');
    expect(health.stockFailures).toEqual([
      {
        sku: 'SBX-CAP',
        available: 40,
        code: 'stock_locked',
        message: expect.stringContaining('SBX-CAP'),
        failedAt: expect.any(String),
      },
    ]);
    expect(health.lastStockPublication).toMatchObject({ at: expect.any(String), error: null });
    expect(['partial', 'failed']).toContain(health.lastStockPublication.outcome);
    expect(health.lastStockPublication.failed).toBeGreaterThanOrEqual(1);
    expect(hub.storefront.inventory()['SBX-CAP']).toBe(0); // never set
  });

  it('keeps one publication waiting per storefront through a burst, and it publishes the latest counts', async () => {
    const before = await processed(hub, hub.threePlConnectionId, 'stock.changed');
    gate.close();
    hub.threePl.setStock('SBX-TEE-S', 1);
    await waitFor(async () => gate.held === 1, 'a publication to reach the storefront and wait');
    const callsBefore = gate.calls.length;
    for (let count = 2; count <= 21; count++) hub.threePl.setStock('SBX-TEE-M', count);
    await waitFor(
      async () => (await processed(hub, hub.threePlConnectionId, 'stock.changed')) >= before + 21,
      'the 21 stock changes to be applied',
    );
    // Twenty stock changes while one publication is under way: one more waits, not twenty.
    expect(await pendingJobs(hub, 'publish-stock')).toBe(1);

    gate.open();
    await waitFor(
      async () => hub.storefront.inventory()['SBX-TEE-M'] === 21,
      'the latest count to be published',
    );
    const after = gate.calls.slice(callsBefore);
    expect(after).toHaveLength(1);
    expect(after[0]).toContainEqual({ sku: 'SBX-TEE-M', available: 21 });
    expect(hub.storefront.inventory()['SBX-TEE-S']).toBe(1);
  });
});

describe('a delivery that failed, on its order', () => {
  let hub: TestHub;
  const post = async (body: string, headers: Record<string, string>) => {
    const response = await fetch(
      `${hub.running.url}/webhooks/sandbox-storefront/${hub.storefrontConnectionId}`,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body },
    );
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    // The 3PL is down for longer than the apply job retries (JOB_RETRY_LIMIT=4: five attempts).
    hub = await startTestHub({ threePl: { failFirstCreates: 5 } });
  });
  afterAll(async () => hub?.stop());

  it('shows a delivery that dead-lettered on the order and in the order list filter', async () => {
    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] });
    const order = await waitFor(
      async () => {
        const found = await findOrder(hub, placed.id);
        return found?.failedDeliveries?.[0]?.status === 'dead' ? found : undefined;
      },
      'the order’s delivery to dead-letter',
      60_000,
    );
    expect(order.status).toBe('ready');
    expect(order.failedDeliveries).toEqual([
      {
        id: expect.any(String),
        connectionId: hub.storefrontConnectionId,
        connector: 'sandbox-storefront',
        source: 'webhook',
        topic: 'orders/create',
        status: 'dead',
        attempts: expect.any(Number),
        lastError: expect.stringMatching(/\S/),
        receivedAt: expect.any(String),
      },
    ]);
    expect(order.failedDeliveries[0].attempts).toBeGreaterThan(1);

    const failing = await hub.api<{ items: any[] }>('GET', '/api/orders?deliveryFailed=true');
    expect(failing.body.items.map((o) => o.id)).toEqual([order.id]);
    const fine = await hub.api<{ items: any[] }>('GET', '/api/orders?deliveryFailed=false');
    expect(fine.body.items.map((o) => o.id)).not.toContain(order.id);
  });

  it('says what an order retry did, and what it refused', async () => {
    const order = await findOrder(hub, hub.storefront.listOrders()[0]!.id);
    const retry = await hub.api('POST', `/api/orders/${order.id}/retry`);
    expect(retry.status).toBe(202);
    expect(retry.body).toEqual({
      orderId: order.id,
      outcome: 'queued',
      action: 'submit',
      status: 'ready',
      message: expect.any(String),
    });
    await waitForOrderStatus(hub, order.sourceOrderId, 'shipped');

    const again = await hub.api('POST', `/api/orders/${order.id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body).toEqual({
      error: 'nothing_to_retry',
      message: expect.stringContaining('shipped'),
      status: 'shipped',
    });
    const held = hub.storefront.placeOrder({ lines: [{ sku: 'NOT-AT-THE-3PL', quantity: 1 }] });
    const onHold = await waitForOrderStatus(hub, held.id, 'on_hold');
    expect((await hub.api('POST', `/api/orders/${onHold.id}/retry`)).body).toMatchObject({
      outcome: 'queued',
      action: 'route_again',
      status: 'on_hold',
    });
    expect((await hub.api('POST', '/api/orders/00000000-0000-4000-8000-000000000000/retry')).status).toBe(
      404,
    );
  });

  it('says what a replay did: queued (and what the delivery was), or refused and why', async () => {
    const order = await findOrder(hub, hub.storefront.listOrders()[0]!.id);
    const dead = order.failedDeliveries[0];
    const replay = await hub.api('POST', `/api/deliveries/${dead.id}/replay`);
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual({
      deliveryId: dead.id,
      outcome: 'queued',
      previousStatus: 'dead',
      status: 'received',
      message: expect.any(String),
    });
    await waitFor(
      async () => (await hub.api('GET', `/api/deliveries/${dead.id}`)).body.status === 'processed',
      'the replay to be applied',
    );
    expect((await findOrder(hub, order.sourceOrderId)).failedDeliveries).toEqual([]);
    expect((await hub.api<{ items: any[] }>('GET', '/api/orders?deliveryFailed=true')).body.items).toEqual(
      [],
    );

    // A repeat of a delivery is refused, naming the original; so is one refused at the door.
    const placed = hub.storefront.listOrders()[0]!;
    const body = JSON.stringify(placed);
    const headers = {
      'x-sandbox-topic': 'orders/updated',
      'x-sandbox-event-id': 'evt-repeated-1',
      'x-sandbox-signature': hmacSha256(hub.storefrontSecrets.webhookSecret, body, 'base64'),
    };
    const first = await post(body, headers);
    const repeat = await post(body, headers);
    expect(repeat.body.outcome).toBe('duplicate');
    const refusedRepeat = await hub.api('POST', `/api/deliveries/${repeat.body.deliveryId}/replay`);
    expect(refusedRepeat.status).toBe(409);
    expect(refusedRepeat.body).toEqual({
      error: 'not_replayable',
      reason: 'duplicate',
      message: expect.any(String),
      originalDeliveryId: first.body.deliveryId,
    });
    const forged = await post(body, {
      ...headers,
      'x-sandbox-signature': 'bm90LWl0',
      'x-sandbox-event-id': 'e2',
    });
    expect(forged.status).toBe(401);
    const refusedForged = await hub.api('POST', `/api/deliveries/${forged.body.deliveryId}/replay`);
    expect(refusedForged.status).toBe(409);
    expect(refusedForged.body).toMatchObject({ error: 'not_replayable', reason: 'rejected' });
  });
});

describe('a 3PL’s delivery that failed, on the order of its shipment', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => hub?.stop());

  it('is found by the shipment it names (our reference)', async () => {
    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] });
    const order = await waitForOrderStatus(hub, placed.id, 'shipped');
    const shipmentId = order.shipments[0].id;
    // A shipment event the apply job gave up on (its body as the 3PL would send it).
    const [event] = hub.threePl.events().filter((e) => e.topic === 'shipment.shipped');
    const body = Buffer.from(event!.body);
    await hub.running.hub.db
      .insertInto('deliveries')
      .values({
        merchant_id: hub.merchantId,
        connection_id: hub.threePlConnectionId,
        connector: 'sandbox-3pl',
        topic: 'shipment.shipped',
        dedupe_key: 'a-dead-one',
        serial_key: `shipment:${shipmentId}`,
        headers: JSON.stringify({}),
        body,
        body_size: body.length,
        status: 'dead',
        http_status: 200,
        attempts: 5,
        last_error: 'network_error: the hub could not reach the 3PL',
      })
      .execute();
    const shown = await findOrder(hub, placed.id);
    expect(shown.failedDeliveries).toMatchObject([
      {
        connectionId: hub.threePlConnectionId,
        topic: 'shipment.shipped',
        status: 'dead',
        lastError: 'network_error: the hub could not reach the 3PL',
      },
    ]);
    const failing = await hub.api<{ items: any[] }>('GET', '/api/orders?deliveryFailed=true');
    expect(failing.body.items.map((o) => o.id)).toEqual([order.id]);
    const health = await hub.api('GET', `/api/connections/${hub.threePlConnectionId}`);
    expect(health.body.health.failedDeliveries).toBe(1);
  });
});

describe('a replay of a delivery still waiting', () => {
  let hub: TestHub;
  beforeAll(async () => {
    // No workers: every delivery stays stored with its job waiting.
    hub = await startTestHub({ workers: false });
  });
  afterAll(async () => hub?.stop());

  it('adds nothing, and says so', async () => {
    hub.storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] });
    const waiting = await waitFor(async () => {
      const { body } = await hub.api<{ items: any[] }>('GET', '/api/deliveries?status=received');
      return body.items[0];
    }, 'the order’s delivery to be stored');
    const replay = await hub.api('POST', `/api/deliveries/${waiting.id}/replay`);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({
      deliveryId: waiting.id,
      outcome: 'already_queued',
      previousStatus: 'received',
      status: 'received',
    });
    expect(await pendingJobs(hub, 'apply-delivery')).toBe(1);
  });
});
