import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxStorefront } from '../connectors/sandbox/index.ts';
import type { CanonicalEvent, OrderRef, StorefrontConnector } from '../src/sdk/contracts.ts';
import { NeedsHumanError, RetryableError } from '../src/sdk/errors.ts';
import { hmacSha256 } from '../src/sdk/signature.ts';
import { findOrder, startTestHub, type TestHub, waitFor, waitForOrderStatus } from './helpers/test-hub.ts';

/**
 * The sandbox storefront connector with the optional parts of the SDK added, recording every call
 * the hub makes to them: the hub's side of the contract is what these tests check.
 */
function recordingStorefront() {
  const calls = {
    onConnect: [] as string[],
    answerRouting: [] as { order: OrderRef; outcome: string; reason: string | null }[],
    answerCancellation: [] as { order: OrderRef; outcome: string; reason: string | null }[],
    publishStock: [] as { levels: { sku: string; available: number }[]; key: string }[],
    failPublishes: 0,
  };
  const custom: Record<string, (body: any) => CanonicalEvent[]> = {
    'test/customer_redact': (body) => [{ type: 'customer.redact', customer: body, requestId: 'redact-1' }],
    'test/customer_data_request': (body) => [
      { type: 'customer.data_request', customer: body, requestId: 'request-1' },
    ],
    'test/account_redact': () => [{ type: 'account.redact', requestId: 'shop-1' }],
    'test/uninstalled': () => [{ type: 'connection.uninstalled', occurredAt: new Date().toISOString() }],
    'test/stock': (body) => [
      { type: 'storefront.stock_changed', levels: body.levels, occurredAt: new Date().toISOString() },
    ],
  };
  const connector: StorefrontConnector = {
    ...sandboxStorefront,
    manifest: {
      ...sandboxStorefront.manifest,
      name: 'recording-storefront',
      webhookAccountHeader: 'x-test-account',
    },
    parseWebhook(request, context) {
      const topic = request.headers['x-sandbox-topic'] ?? '';
      if (topic in custom)
        return { topic, dedupeKey: request.headers['x-sandbox-event-id'] ?? topic, serialKey: null };
      return sandboxStorefront.parseWebhook(request, context);
    },
    async toEvents(delivery, context) {
      const make = custom[delivery.topic];
      if (make) return make(JSON.parse(delivery.rawBody.toString('utf8')));
      const events = await sandboxStorefront.toEvents(delivery, context);
      // Stands in for a platform that asks rather than tells (Shopify's cancellation requests).
      return delivery.headers['x-test-cancel-request']
        ? events.map((e) => (e.type === 'order.cancelled' ? { ...e, requested: true } : e))
        : events;
    },
    async onConnect(context) {
      calls.onConnect.push(context.externalAccount);
      if (context.externalAccount.includes('refuse'))
        throw new NeedsHumanError('store_refused', 'this store is refused');
      await context.saveState({ connectedTo: context.webhookUrl });
    },
    async answerRouting(_context, input) {
      calls.answerRouting.push(input);
    },
    async answerCancellation(_context, input) {
      calls.answerCancellation.push(input);
    },
    async publishStock(context, levels, options) {
      calls.publishStock.push({ levels, key: options.idempotencyKey });
      if (calls.failPublishes > 0) {
        calls.failPublishes -= 1;
        throw new RetryableError('test_outage', 'the storefront is down');
      }
      return sandboxStorefront.publishStock(context, levels, options);
    },
    install: {
      routes: [
        {
          method: 'GET',
          path: '',
          async handler(request, hub) {
            const state = await hub.issueNonce({ account: request.query.account }, 60);
            return {
              status: 302,
              headers: { location: `${hub.hubUrl}/install/recording-storefront/callback?state=${state}` },
            };
          },
        },
        {
          method: 'GET',
          path: '/callback',
          async handler(request, hub) {
            const data = await hub.consumeNonce(request.query.state ?? '');
            if (!data) return { status: 400, body: { error: 'invalid_state' } };
            const connection = await hub.connect({
              externalAccount: String(data.account),
              settings: { baseUrl: 'http://127.0.0.1:9' },
              credentials: { apiKey: 'installed-key', webhookSecret: 'installed-secret' },
              merchantName: `Merchant of ${data.account}`,
            });
            return { status: 200, body: connection };
          },
        },
      ],
    },
  };
  return { connector, calls };
}

describe('the hub honours the optional parts of the connector SDK', () => {
  const recording = recordingStorefront();
  let hub: TestHub;
  const post = async (topic: string, body: string, headers: Record<string, string> = {}) => {
    const response = await fetch(
      `${hub.running.url}/webhooks/recording-storefront/${hub.storefrontConnectionId}`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-sandbox-topic': topic,
          'x-sandbox-event-id': `evt-${Math.random().toString(36).slice(2)}`,
          'x-sandbox-signature': hmacSha256(hub.storefrontSecrets.webhookSecret, body, 'base64'),
          ...headers,
        },
        body,
      },
    );
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    hub = await startTestHub({ storefrontConnector: recording.connector, threePl: { shipDelayMs: 0 } });
  });
  afterAll(async () => hub?.stop());

  it('runs onConnect when a connection is made, and refuses one whose set-up fails', async () => {
    expect(recording.calls.onConnect).toHaveLength(1);
    const refused = await hub.api('POST', '/api/connections', {
      merchantId: hub.merchantId,
      connector: 'recording-storefront',
      externalAccount: 'refuse-me',
      settings: { baseUrl: 'http://127.0.0.1:9' },
      credentials: { apiKey: 'k', webhookSecret: 's' },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('store_refused');
    const list = await hub.api('GET', '/api/connections');
    // Refused means nothing was stored: no disabled row with the pasted keys sealed in it.
    expect(list.body.items.find((c: any) => c.externalAccount === 'refuse-me')).toBeUndefined();
  });

  it('mounts install routes whose one-time state works once', async () => {
    const start = await fetch(`${hub.running.url}/install/recording-storefront?account=new-shop`, {
      redirect: 'manual',
    });
    expect(start.status).toBe(302);
    const callback = start.headers.get('location')!;
    const first = await fetch(callback);
    expect(first.status).toBe(200);
    const connected = (await first.json()) as any;
    expect(connected.webhookUrl).toContain(`/webhooks/recording-storefront/${connected.connectionId}`);
    const replayed = await fetch(callback);
    expect(replayed.status).toBe(400);
    const merchants = await hub.api('GET', '/api/merchants');
    expect(merchants.body.items.map((m: any) => m.name)).toContain('Merchant of new-shop');
  });

  it('finds the connection from the account header on the connector-wide webhook URL', async () => {
    const connections = await hub.api('GET', '/api/connections');
    const account = connections.body.items.find(
      (c: any) => c.id === hub.storefrontConnectionId,
    ).externalAccount;
    const order = {
      ...hub.storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] }),
      id: '7005555555555555555',
    };
    const body = JSON.stringify(order);
    const headers = {
      'content-type': 'application/json',
      'x-sandbox-topic': 'orders/create',
      'x-sandbox-event-id': 'by-account-1',
      'x-sandbox-signature': hmacSha256(hub.storefrontSecrets.webhookSecret, body, 'base64'),
    };
    const known = await fetch(`${hub.running.url}/webhooks/recording-storefront`, {
      method: 'POST',
      headers: { ...headers, 'x-test-account': account },
      body,
    });
    expect(known.status).toBe(200);
    await waitFor(async () => findOrder(hub, '7005555555555555555'), 'the order to arrive');
    const unknown = await fetch(`${hub.running.url}/webhooks/recording-storefront`, {
      method: 'POST',
      headers: { ...headers, 'x-test-account': 'nobody.example' },
      body,
    });
    expect(unknown.status).toBe(404);
  });

  it('tells the storefront once whether it takes an order, with the reason when it does not', async () => {
    const good = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-CAP', quantity: 1 }] });
    const bad = hub.storefront.placeOrder({ lines: [{ sku: 'NOWHERE', quantity: 1 }] });
    await waitForOrderStatus(hub, good.id, 'accepted');
    await waitForOrderStatus(hub, bad.id, 'on_hold');
    await waitFor(
      async () => recording.calls.answerRouting.some((a) => a.order.sourceOrderId === bad.id),
      'the rejection to be answered',
    );
    const forGood = recording.calls.answerRouting.filter((a) => a.order.sourceOrderId === good.id);
    const forBad = recording.calls.answerRouting.filter((a) => a.order.sourceOrderId === bad.id);
    expect(forGood).toEqual([expect.objectContaining({ outcome: 'accepted', reason: null })]);
    expect(forBad).toEqual([expect.objectContaining({ outcome: 'rejected', reason: 'unknown_sku' })]);
  });

  it('answers a cancellation request with what the 3PL said', async () => {
    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-TEE-S', quantity: 1 }] });
    await waitForOrderStatus(hub, placed.id, 'accepted');
    const cancelled = {
      ...placed,
      cancelled_at: new Date().toISOString(),
      updated_at: new Date(Date.now() + 1000).toISOString(),
    };
    expect(
      (await post('orders/cancelled', JSON.stringify(cancelled), { 'x-test-cancel-request': '1' })).status,
    ).toBe(200);
    await waitForOrderStatus(hub, placed.id, 'cancelled');
    await waitFor(
      async () => recording.calls.answerCancellation.find((a) => a.order.sourceOrderId === placed.id),
      'the cancellation to be answered',
    );
    expect(recording.calls.answerCancellation.find((a) => a.order.sourceOrderId === placed.id)?.outcome).toBe(
      'cancelled',
    );

    // Once shipped, the 3PL refuses, the order goes on, and the storefront hears why.
    const late = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-TEE-S', quantity: 1 }] });
    const accepted = await waitForOrderStatus(hub, late.id, 'accepted');
    hub.threePl.shipNow(accepted.shipments[0].externalId);
    await waitForOrderStatus(hub, late.id, 'shipped');
    const lateCancel = {
      ...late,
      cancelled_at: new Date().toISOString(),
      updated_at: new Date(Date.now() + 1000).toISOString(),
    };
    await post('orders/cancelled', JSON.stringify(lateCancel), { 'x-test-cancel-request': '1' });
    const answer = await waitFor(
      async () => recording.calls.answerCancellation.find((a) => a.order.sourceOrderId === late.id),
      'the refusal to be answered',
    );
    expect(answer.outcome).toBe('refused');
    expect((await findOrder(hub, late.id)).status).toBe('shipped');
  });

  it('publishes stock with one idempotency key per publication, kept across retries', async () => {
    recording.calls.failPublishes = 1;
    const before = recording.calls.publishStock.length;
    hub.threePl.setStock('SBX-SOCKS', 77);
    await waitFor(
      async () => hub.storefront.inventory()['SBX-SOCKS'] === 77,
      'the new level to reach the storefront',
      20_000,
    );
    const attempts = recording.calls.publishStock
      .slice(before)
      .filter((p) => p.levels.some((l) => l.sku === 'SBX-SOCKS'));
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(attempts.map((a) => a.key)).size).toBe(1);
  });

  it('ignores the echo of its own stock write and restores a level changed at the storefront', async () => {
    await waitFor(async () => hub.storefront.inventory()['SBX-SOCKS'] === 77, 'the level to be published');
    const before = recording.calls.publishStock.length;
    await post('test/stock', JSON.stringify({ levels: [{ sku: 'SBX-SOCKS', available: 77 }] }));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(recording.calls.publishStock.length).toBe(before);

    await post('test/stock', JSON.stringify({ levels: [{ sku: 'SBX-SOCKS', available: 5 }] }));
    await waitFor(
      async () =>
        recording.calls.publishStock
          .slice(before)
          .some((p) => p.levels.some((l) => l.sku === 'SBX-SOCKS' && l.available === 77)),
      'the 3PL level to be published again',
    );
  });

  it('erases a customer, reports a customer, then purges the account and stops after uninstall', async () => {
    const placed = hub.storefront.placeOrder({
      lines: [{ sku: 'SBX-MUG', quantity: 1 }],
      email: 'zoe@example.com',
    });
    await waitForOrderStatus(hub, placed.id, 'accepted');

    await post(
      'test/customer_data_request',
      JSON.stringify({ email: 'zoe@example.com', sourceCustomerId: null, sourceOrderIds: [] }),
    );
    // The report is made before the erasure is asked for, as the platform sends them days apart.
    await waitFor(
      async () =>
        (await hub.running.hub.db.selectFrom('privacy_requests').select('id').executeTakeFirst()) !==
        undefined,
      'the data request to be recorded',
    );
    await post(
      'test/customer_redact',
      JSON.stringify({ email: 'ZOE@example.com', sourceCustomerId: null, sourceOrderIds: [] }),
    );
    const redacted = await waitFor(async () => {
      const order = await findOrder(hub, placed.id);
      return order.email === null ? order : undefined;
    }, 'the order to be redacted');
    expect(redacted.shippingAddress).toBeNull();
    const stored = await hub.api(
      'GET',
      `/api/deliveries?connectionId=${hub.storefrontConnectionId}&limit=200`,
    );
    for (const delivery of stored.body.items.filter((d: any) => d.topic === 'orders/create')) {
      const detail = await hub.api('GET', `/api/deliveries/${delivery.id}`);
      expect(detail.body.body ?? '').not.toContain('zoe@example.com');
    }
    const requests = (await hub.api('GET', '/api/privacy-requests')).body.items.reverse();
    expect(requests.map((r: any) => r.kind)).toEqual(['customer.data_request', 'customer.redact']);
    expect(JSON.stringify(requests[0].result)).toContain(placed.name);

    await post('test/uninstalled', '{}');
    await waitFor(async () => {
      const list = await hub.api('GET', '/api/connections');
      return list.body.items.find((c: any) => c.id === hub.storefrontConnectionId).status === 'uninstalled';
    }, 'the connection to be uninstalled');
    const afterUninstall = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await findOrder(hub, afterUninstall.id)).toBeUndefined();

    // The shop's purge comes after the uninstall and must still be honoured.
    expect((await post('test/account_redact', '{}')).status).toBe(200);
    await waitFor(async () => (await findOrder(hub, placed.id)) === undefined, 'the account to be purged');
  });
});
