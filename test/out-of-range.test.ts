/**
 * Nothing a sender controls becomes a poison job, over HTTP on both engines, with the sandbox
 * connectors: a signed order or stock level beyond what a column holds is refused at the door (400,
 * the field named, no job); a connector that lets one through anyway is caught by the hub's own
 * check (the order held with the reason, the delivery dead once, never retried); and a value the
 * database itself refuses is recorded by its class, without the database's text, and not retried.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxStorefront } from '../connectors/sandbox/index.ts';
import type { CanonicalEvent, StorefrontConnector } from '../src/sdk/contracts.ts';
import { hmacSha256 } from '../src/sdk/signature.ts';
import { findOrder, startTestHub, type TestHub, waitFor, waitForOrderStatus } from './helpers/test-hub.ts';

/**
 * The sandbox storefront with a mapping bug: an order whose note says "overflow" comes out with
 * a quantity of a trillion on every line, as a connector that forgot a range check would map it.
 */
const buggyStorefront: StorefrontConnector = {
  ...sandboxStorefront,
  manifest: { ...sandboxStorefront.manifest, name: 'buggy-storefront', displayName: 'Buggy storefront' },
  async toEvents(delivery, context) {
    const events = await sandboxStorefront.toEvents(delivery, context);
    return events.map(
      (event): CanonicalEvent =>
        event.type === 'order.upserted' && event.order.note === 'overflow'
          ? {
              ...event,
              order: { ...event.order, lines: event.order.lines.map((l) => ({ ...l, quantity: 1e12 })) },
            }
          : event,
    );
  },
};

describe('out-of-range values from the sandbox connectors', () => {
  let hub: TestHub;
  let storefront: { id: string; webhookUrl: string; secret: string };
  beforeAll(async () => {
    hub = await startTestHub({
      storefrontConnector: buggyStorefront,
      threePl: { stock: { 'SBX-TEE-M': 500, 'SBX-MUG': 300 } },
    });
    // A second storefront, on the real sandbox connector, whose webhooks this test signs and posts.
    const secret = randomBytes(18).toString('base64url');
    const created = await hub.api<{ id: string; webhookUrl: string }>('POST', '/api/connections', {
      merchantId: hub.merchantId,
      connector: 'sandbox-storefront',
      externalAccount: `storefront-${randomBytes(4).toString('hex')}`,
      settings: { baseUrl: 'http://127.0.0.1:9' },
      credentials: { apiKey: randomBytes(18).toString('base64url'), webhookSecret: secret },
    });
    expect(created.status).toBe(201);
    storefront = { ...created.body, secret };
  });
  afterAll(async () => hub?.stop());

  const applyJobs = async () => {
    const { rows } = await sql<{ count: string }>`
      select count(*)::text as count from pgboss.job where name = 'apply-delivery'`.execute(
      hub.running.hub.db,
    );
    return Number(rows[0]?.count ?? 0);
  };
  const post = async (url: string, secret: string, topic: string, payload: unknown) => {
    const body = JSON.stringify(payload);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-sandbox-topic': topic,
        'x-sandbox-event-id': `evt-${randomBytes(6).toString('hex')}`,
        'x-sandbox-signature': hmacSha256(secret, body, 'base64'),
      },
      body,
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const expectRefused = async (answer: { status: number; body: any }, field: RegExp) => {
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ outcome: 'rejected', error: 'malformed_payload' });
    expect(answer.body.message).toMatch(field);
    const delivery = await hub.api('GET', `/api/deliveries/${answer.body.deliveryId}`);
    expect(delivery.body).toMatchObject({ status: 'rejected', httpStatus: 400 });
    expect(delivery.body.lastError).toMatch(field);
  };
  const storefrontOrder = (id: string, change: (order: any) => void = () => {}) => {
    const now = new Date().toISOString();
    const order: any = {
      id,
      name: `#${id}`,
      created_at: now,
      updated_at: now,
      financial_status: 'paid',
      cancelled_at: null,
      currency: 'EUR',
      total_price: '25.00',
      email: 'zoe@example.com',
      shipping_address: { name: 'Zoë', address1: '3 Rue', city: 'Lyon', country_code: 'FR' },
      line_items: [{ id: `${id}1`, sku: 'SBX-MUG', title: 'Mug', quantity: 2, price: '12.50' }],
    };
    change(order);
    return order;
  };

  it('refuses a signed storefront order with a quantity or a price beyond the columns, and queues nothing', async () => {
    const before = await applyJobs();
    await expectRefused(
      await post(
        storefront.webhookUrl,
        storefront.secret,
        'orders/create',
        storefrontOrder('9001', (order) => {
          order.line_items[0].quantity = 1_000_000_000_000;
        }),
      ),
      /line_items\/0\/quantity/,
    );
    await expectRefused(
      await post(
        storefront.webhookUrl,
        storefront.secret,
        'orders/create',
        storefrontOrder('9002', (order) => {
          order.line_items[0].price = '90071992547409.93';
        }),
      ),
      /line_items\/0\/price/,
    );
    expect(await applyJobs()).toBe(before);
    expect(await findOrder(hub, '9001')).toBeUndefined();
  });

  it('refuses a signed 3PL stock level beyond the stock column, naming it', async () => {
    const before = await applyJobs();
    const url = `${hub.running.url}/webhooks/sandbox-3pl/${hub.threePlConnectionId}`;
    await expectRefused(
      await post(url, hub.threePlSecrets.webhookSecret, 'stock.changed', {
        event_id: 'stock-1',
        occurred_at: new Date().toISOString(),
        location: 'main',
        levels: [
          { sku: 'SBX-MUG', available: 12 },
          { sku: 'SBX-TEE-M', available: 3_000_000_000 },
        ],
      }),
      /levels\/1\/available/,
    );
    expect(await applyJobs()).toBe(before);
  });

  it('catches a connector that maps a value out of range: the order is held with the reason, the delivery fails once', async () => {
    const placed = hub.storefront.placeOrder({
      financial_status: 'pending',
      lines: [{ sku: 'SBX-TEE-M', quantity: 1 }],
    });
    await waitForOrderStatus(hub, placed.id, 'received');

    hub.storefront.updateOrder(placed.id, { financial_status: 'paid', note: 'overflow' });
    const held = await waitForOrderStatus(hub, placed.id, 'on_hold');
    expect(held.statusReason).toBe('invalid_order_data');
    expect(held.statusDetail.problem).toMatch(/lines\/0\/quantity must be <= 2147483647/);
    expect(held.lines.map((l: any) => l.quantity)).toEqual([1]);
    const dead = await hub.api<{ items: any[] }>(
      'GET',
      `/api/deliveries?status=dead&connectionId=${hub.storefrontConnectionId}`,
    );
    expect(dead.body.items).toHaveLength(1);
    expect(dead.body.items[0]).toMatchObject({ attempts: 1, topic: 'orders/updated' });
    expect(dead.body.items[0].lastError).toMatch(/invalid canonical event from buggy-storefront/);
    expect(hub.threePl.orders()).toHaveLength(0);

    // The storefront's next version is fine: the order is released and shipped.
    hub.storefront.updateOrder(placed.id, { note: 'fixed' });
    const released = await waitFor(async () => {
      const order = await findOrder(hub, placed.id);
      return order?.shipments?.length ? order : undefined;
    }, 'the released order to reach the 3PL');
    expect(released.statusReason).toBeNull();
  });

  it('records a value the database refuses by its class, once, without the database’s text', async () => {
    // Stands for any value the database refuses that no check caught: a constraint the hub's
    // checks know nothing of.
    await sql`alter table orders add constraint test_refused_note check (note is distinct from 'poison')`.execute(
      hub.running.hub.db,
    );
    try {
      const placed = hub.storefront.placeOrder({ note: 'poison', lines: [{ sku: 'SBX-MUG', quantity: 1 }] });
      const delivery = await waitFor(async () => {
        const list = await hub.api<{ items: any[] }>(
          'GET',
          `/api/deliveries?status=dead&connectionId=${hub.storefrontConnectionId}`,
        );
        return list.body.items.find((d) => d.topic === 'orders/create');
      }, 'the delivery to be dead');
      expect(delivery.attempts).toBe(1);
      expect(delivery.lastError).toMatch(
        /^the database refused the data \(integrity constraint violation, SQLSTATE 23514/,
      );
      expect(delivery.lastError).not.toMatch(/violates|poison/);
      const detail = await hub.api('GET', `/api/deliveries/${delivery.id}`);
      expect(JSON.stringify(detail.body)).not.toMatch(/violates check constraint/);
      // Not retried: its job completed on the first attempt.
      const job = await waitFor(async () => {
        const { rows } = await sql<{ state: string; retry_count: number }>`
          select state, retry_count from pgboss.job
          where name = 'apply-delivery' and data->>'deliveryId' = ${delivery.id}`.execute(hub.running.hub.db);
        return rows[0]?.state === 'completed' ? rows[0] : undefined;
      }, 'the apply job to complete');
      expect(job.retry_count).toBe(0);
      expect((await hub.api('GET', `/api/deliveries/${delivery.id}`)).body).toMatchObject({ attempts: 1 });
      expect(await findOrder(hub, placed.id)).toBeUndefined();
    } finally {
      await sql`alter table orders drop constraint test_refused_note`.execute(hub.running.hub.db);
    }
  });
});
