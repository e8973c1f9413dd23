import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacSha256 } from '../src/sdk/signature.ts';
import { findOrder, startTestHub, type TestHub, waitFor, waitForOrderStatus } from './helpers/test-hub.ts';

/** Sends a storefront webhook as the sandbox storefront would, signed with the given secret. */
async function postStorefrontWebhook(
  hub: TestHub,
  body: string,
  headers: Record<string, string>,
  secret?: string,
) {
  const response = await fetch(
    `${hub.running.url}/webhooks/sandbox-storefront/${hub.storefrontConnectionId}`,
    {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-sandbox-topic': 'orders/updated',
        'x-sandbox-event-id': `evt-${Math.random().toString(36).slice(2)}`,
        ...(secret === undefined ? {} : { 'x-sandbox-signature': hmacSha256(secret, body, 'base64') }),
        ...headers,
      },
      body,
    },
  );
  return { status: response.status, body: (await response.json()) as any };
}

describe('the order pipeline over HTTP', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({
      threePl: { rejectSkus: ['SBX-REJECT'], stock: { 'SBX-TEE-M': 500, 'SBX-MUG': 300, 'SBX-REJECT': 10 } },
    });
  });
  afterAll(async () => hub?.stop());

  it('takes a storefront order through the 3PL to shipped, and writes tracking back', async () => {
    const placed = hub.storefront.placeOrder({
      lines: [
        { sku: 'SBX-TEE-M', quantity: 2 },
        { sku: 'SBX-MUG', quantity: 1 },
      ],
    });
    const order = await waitFor(async () => {
      const o = await findOrder(hub, placed.id);
      return o?.status === 'shipped' && o.shipments[0]?.trackingWrittenBack ? o : undefined;
    }, 'the order to ship and its tracking to be written back');
    expect(order.lines.map((l: any) => [l.sku, l.quantity])).toEqual(
      expect.arrayContaining([
        ['SBX-TEE-M', 2],
        ['SBX-MUG', 1],
      ]),
    );
    expect(order.shipments).toHaveLength(1);
    const tracking = order.shipments[0].tracking;
    expect(tracking.number).toMatch(/\S+/);

    // The storefront holds exactly one fulfillment, with the 3PL's tracking number.
    const fulfillments = hub.storefront.fulfillmentsOf(placed.id);
    expect(fulfillments).toHaveLength(1);
    expect(fulfillments[0]?.tracking.number).toBe(tracking.number);

    // The 3PL holds one order, under our shipment id.
    expect(hub.threePl.ordersByReference(order.shipments[0].id)).toHaveLength(1);

    // Stock the 3PL reports flows to the storefront.
    await waitFor(
      async () => hub.storefront.inventory()['SBX-MUG'] === hub.threePl.stock()['SBX-MUG'],
      'stock to be published',
    );

    const types = order.timeline.map((e: any) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'order.received',
        'order.ready',
        'shipment.submitted',
        'shipment.shipped',
        'order.shipped',
      ]),
    );
  });

  it('processes a repeated delivery once and records the copy as a duplicate', async () => {
    hub.threePl.pauseWebhooks(true);
    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-TEE-M', quantity: 1 }] });
    await waitForOrderStatus(hub, placed.id, 'accepted');
    const event = hub.storefront
      .events()
      .find((e) => e.topic === 'orders/create' && e.body.includes(placed.id));
    expect(event).toBeDefined();
    hub.storefront.resend(event!.eventId);
    const duplicate = await waitFor(async () => {
      const list = await hub.api<{ items: any[] }>('GET', '/api/deliveries?status=duplicate&limit=200');
      return list.body.items.find((d) => d.dedupeKey === event!.eventId);
    }, 'the duplicate to be recorded');
    expect(duplicate.duplicateOf).toMatch(/[0-9a-f-]{36}/);
    const order = await findOrder(hub, placed.id);
    expect(order.timeline.filter((e: any) => e.type === 'order.received')).toHaveLength(1);
    expect(order.shipments).toHaveLength(1);
    expect(hub.threePl.ordersByReference(order.shipments[0].id)).toHaveLength(1);
    hub.threePl.pauseWebhooks(false);
  });

  it('ignores an older version of an order that arrives after a newer one', async () => {
    hub.threePl.pauseWebhooks(true);
    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-TEE-M', quantity: 1 }] });
    await waitForOrderStatus(hub, placed.id, 'accepted');
    const newer = {
      ...placed,
      note: 'leave at the door',
      updated_at: new Date(Date.parse(placed.updated_at) + 60_000).toISOString(),
    };
    const older = {
      ...placed,
      note: 'stale note',
      updated_at: new Date(Date.parse(placed.updated_at) + 30_000).toISOString(),
    };
    const first = await postStorefrontWebhook(
      hub,
      JSON.stringify(newer),
      {},
      hub.storefrontSecrets.webhookSecret,
    );
    expect(first.status).toBe(200);
    await waitFor(
      async () => (await findOrder(hub, placed.id))?.note === 'leave at the door',
      'the newer version to apply',
    );
    const second = await postStorefrontWebhook(
      hub,
      JSON.stringify(older),
      {},
      hub.storefrontSecrets.webhookSecret,
    );
    expect(second.status).toBe(200);
    const order = await waitFor(async () => {
      const o = await findOrder(hub, placed.id);
      return o?.timeline.some((e: any) => e.type === 'order.update_ignored') ? o : undefined;
    }, 'the older version to be ignored');
    expect(order.note).toBe('leave at the door');
    hub.threePl.pauseWebhooks(false);
  });

  it('answers 401 to a bad or missing signature, records it without the body, and applies nothing', async () => {
    const placed = {
      ...hub.storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] }),
      id: '7009999999999999999',
    };
    const body = JSON.stringify(placed);
    const forged = await postStorefrontWebhook(
      hub,
      body,
      { 'x-sandbox-topic': 'orders/create' },
      'not-the-secret',
    );
    expect(forged.status).toBe(401);
    expect(forged.body.error).toBe('bad_signature');
    const unsigned = await postStorefrontWebhook(hub, body, { 'x-sandbox-topic': 'orders/create' });
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.error).toBe('missing_signature');

    const recorded = await hub.api('GET', `/api/deliveries/${forged.body.deliveryId}`);
    expect(recorded.body).toMatchObject({
      status: 'rejected',
      httpStatus: 401,
      rejectReason: 'bad_signature',
      body: null,
    });
    expect(recorded.body.headers['x-sandbox-signature']).toBe('[redacted]');
    expect(await findOrder(hub, '7009999999999999999')).toBeUndefined();
  });

  it('rejects unknown connections (404), unreadable bodies (400) and oversized bodies (413), recording each', async () => {
    const unknown = await fetch(
      `${hub.running.url}/webhooks/sandbox-storefront/00000000-0000-4000-8000-000000000000`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      },
    );
    expect(unknown.status).toBe(404);

    const garbage = 'this is not json';
    const malformed = await postStorefrontWebhook(
      hub,
      garbage,
      { 'x-sandbox-topic': 'orders/create' },
      hub.storefrontSecrets.webhookSecret,
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toBe('malformed_payload');

    const huge = 'x'.repeat(3 * 1024 * 1024);
    const tooLarge = await fetch(
      `${hub.running.url}/webhooks/sandbox-storefront/${hub.storefrontConnectionId}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: huge,
      },
    );
    expect(tooLarge.status).toBe(413);

    const rejected = await hub.api<{ items: any[] }>('GET', '/api/deliveries?status=rejected&limit=200');
    const reasons = rejected.body.items.map((d) => d.rejectReason);
    expect(reasons).toEqual(
      expect.arrayContaining(['unknown_connection', 'malformed_payload', 'body_too_large']),
    );
  });

  it('parks an order the 3PL rejects, with the reason', async () => {
    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-REJECT', quantity: 1 }] });
    const order = await waitForOrderStatus(hub, placed.id, 'on_hold');
    expect(order.statusReason).toBe('3pl_rejected');
    expect(order.shipments[0].status).toBe('rejected');
  });

  it('parks an order whose SKU the 3PL does not stock as unknown_sku, without calling the 3PL', async () => {
    const attemptsBefore = hub.threePl.createAttempts();
    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'NOT-AT-THE-3PL', quantity: 1 }] });
    const order = await waitForOrderStatus(hub, placed.id, 'on_hold');
    expect(order.statusReason).toBe('unknown_sku');
    expect(order.statusDetail.skus).toEqual(['NOT-AT-THE-3PL']);
    expect(hub.threePl.createAttempts()).toBe(attemptsBefore);
  });

  it('replays a stored delivery without duplicating its effect', async () => {
    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] });
    const order = await waitForOrderStatus(hub, placed.id, 'shipped');
    const deliveries = await hub.api<{ items: any[] }>(
      'GET',
      `/api/deliveries?connectionId=${hub.storefrontConnectionId}&limit=200`,
    );
    const original = deliveries.body.items.find(
      (d) => d.topic === 'orders/create' && d.status === 'processed',
    );
    expect(original).toBeDefined();
    const replay = await hub.api('POST', `/api/deliveries/${original.id}/replay`);
    expect(replay.status).toBe(202);
    await waitFor(
      async () => (await hub.api('GET', `/api/deliveries/${original.id}`)).body.status === 'processed',
      'the replay to finish',
    );
    const after = await findOrder(hub, placed.id);
    expect(after.shipments).toHaveLength(order.shipments.length);
    expect(after.status).toBe('shipped');
  });

  it('finds an order whose webhook never came, by reconciliation', async () => {
    hub.storefront.pauseWebhooks(true);
    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-TEE-M', quantity: 1 }] });
    hub.storefront.pauseWebhooks(false);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await findOrder(hub, placed.id)).toBeUndefined();
    await hub.running.hub.boss.send(
      'reconcile',
      { connectionId: hub.storefrontConnectionId },
      { singletonKey: hub.storefrontConnectionId },
    );
    await waitForOrderStatus(hub, placed.id, 'shipped');
  });

  it('exposes Prometheus metrics for ops', async () => {
    const response = await fetch(`${hub.running.url}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/hub_orders\{status="shipped"\} [1-9]/);
    expect(text).toMatch(
      /hub_webhook_deliveries_total\{connector="sandbox-storefront",outcome="rejected",reason="bad_signature"\} [1-9]/,
    );
    expect(text).toMatch(/hub_outbound_calls_total\{connector="sandbox-3pl",outcome="needs_human"\} [1-9]/);
    expect(text).toContain('hub_jobs_oldest_pending_seconds');
  });

  it('requires the API token', async () => {
    const response = await fetch(`${hub.running.url}/api/orders`);
    expect(response.status).toBe(401);
    const health = await fetch(`${hub.running.url}/readyz`);
    expect(await health.json()).toMatchObject({ status: 'ready' });
  });
});

describe('a 3PL that fails', () => {
  let hub: TestHub;
  beforeAll(async () => {
    // The first create is refused outright; the second is created but its answer is lost.
    // It ships late, so the hub's retry, not the 3PL's shipped event, is what finds the lost order.
    hub = await startTestHub({ threePl: { failFirstCreates: 1, failAfterCreate: 1, shipDelayMs: 6000 } });
  });
  afterAll(async () => hub?.stop());

  it('is retried until it succeeds, and holds exactly one remote order', async () => {
    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-TEE-M', quantity: 1 }] });
    const order = await waitForOrderStatus(hub, placed.id, 'shipped', 45_000);
    expect(hub.threePl.createAttempts()).toBeGreaterThanOrEqual(3);
    expect(hub.threePl.ordersByReference(order.shipments[0].id)).toHaveLength(1);
    expect(hub.threePl.orders()).toHaveLength(1);
    const deliveries = await hub.api<{ items: any[] }>(
      'GET',
      `/api/deliveries?connectionId=${hub.storefrontConnectionId}`,
    );
    const delivery = deliveries.body.items.find((d) => d.topic === 'orders/create');
    expect(delivery.attempts).toBeGreaterThanOrEqual(3);
    expect(delivery.status).toBe('processed');
  });
});

describe('a cancellation that meets a submission on its way to the 3PL', () => {
  let hub: TestHub;
  let holdResponses = true;
  beforeAll(async () => {
    hub = await startTestHub({
      threePl: {
        shipDelayMs: 0,
        // The 3PL has stored the order but the hub has not heard back yet.
        beforeCreateResponse: async () => {
          if (holdResponses) await new Promise((resolve) => setTimeout(resolve, 1500));
        },
      },
    });
  });
  afterAll(async () => hub?.stop());

  it('waits for the submission and then cancels at the 3PL', async () => {
    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] });
    await waitFor(async () => hub.threePl.orders().length === 1, 'the 3PL to store the order');
    hub.storefront.cancelOrder(placed.id);
    const order = await waitForOrderStatus(hub, placed.id, 'cancelled');
    expect(hub.threePl.orders()).toHaveLength(1);
    expect(hub.threePl.orders()[0]?.status).toBe('cancelled');
    expect(order.shipments[0].status).toBe('cancelled');
    holdResponses = false;
  });
});

describe('a cancellation after the 3PL stored an order whose answer was lost', () => {
  let hub: TestHub;
  beforeAll(async () => {
    // The retry of the lost submission is slow, so the cancellation comes first.
    hub = await startTestHub({
      env: { JOB_RETRY_DELAY_SECONDS: '5', JOB_RETRY_DELAY_MAX_SECONDS: '6' },
      threePl: { shipDelayMs: 0, failAfterCreate: 1 },
    });
  });
  afterAll(async () => hub?.stop());

  it('finds the remote order by our reference and cancels it there', async () => {
    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] });
    await waitFor(async () => hub.threePl.orders().length === 1, 'the 3PL to store the order');
    hub.storefront.cancelOrder(placed.id);
    const order = await waitForOrderStatus(hub, placed.id, 'cancelled');
    expect(hub.threePl.orders()).toHaveLength(1);
    expect(hub.threePl.orders()[0]?.status).toBe('cancelled');
    expect(order.shipments[0].externalId).toBe(hub.threePl.orders()[0]?.id);
    // The late retry of the submission changes nothing.
    await new Promise((resolve) => setTimeout(resolve, 7000));
    expect(hub.threePl.orders()).toHaveLength(1);
    expect((await findOrder(hub, placed.id)).status).toBe('cancelled');
  });
});

describe('paging through a list', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => hub?.stop());

  it('returns every order once, newest first, across pages', async () => {
    const placed = Array.from({ length: 7 }, () =>
      hub.storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] }),
    );
    await waitFor(
      async () => (await hub.api('GET', '/api/orders?limit=200')).body.items.length === 7,
      'all orders',
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await hub.api('GET', `/api/orders?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((o: any) => o.sourceOrderId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(new Set(placed.map((p) => p.id)));
    const bad = await hub.api('GET', '/api/orders?cursor=not-a-cursor');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_request');
  });
});
