import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_TOPICS } from '../read-delivery.ts';
import { planWebhooks, type WebhookTarget, webhookName } from '../webhooks.ts';
import type { WooWebhook } from '../woo-payloads.ts';
import {
  CONNECTION_ID,
  fakeContext,
  fixtureJson,
  STORE,
  testConnector,
  WEBHOOK_SECRET,
  WEBHOOK_URL,
} from './helpers/woo-test-kit.ts';

const target: WebhookTarget = {
  connectionId: CONNECTION_ID,
  webhookUrl: WEBHOOK_URL,
  appName: 'Fulfillment hub',
  secret: WEBHOOK_SECRET,
};

/** One of our webhooks as `GET /webhooks` lists it, built from the docs' create response. */
function ours(id: number, topic: string, status = 'active', deliveryUrl = WEBHOOK_URL): WooWebhook {
  return {
    ...fixtureJson('webhook.rest-v3.create-response.docs.json'),
    id,
    name: webhookName(target, topic),
    topic,
    status,
    delivery_url: deliveryUrl,
  };
}

const allOurs = () => WEBHOOK_TOPICS.map((topic, i) => ours(200 + i, topic));

describe('planning webhooks', () => {
  it('creates every topic on a store without ours, and ignores other apps’ webhooks', () => {
    const theirs = fixtureJson('webhook.rest-v3.create-response.docs.json') as WooWebhook;
    const plan = planWebhooks([theirs], target, 'connect');
    expect(plan.actions).toEqual(WEBHOOK_TOPICS.map((topic) => ({ kind: 'create', topic })));
  });

  it('re-arms ours on connect (new secret, active, our URL)', () => {
    const plan = planWebhooks(allOurs(), target, 'connect');
    expect(plan.actions).toHaveLength(WEBHOOK_TOPICS.length);
    expect(plan.actions[0]).toEqual({
      kind: 'update',
      id: 200,
      topic: 'order.created',
      reason: 'reconnect',
      changes: { status: 'active', delivery_url: WEBHOOK_URL },
    });
  });

  it('on repair touches only what is disabled, missing or moved, and leaves a paused one to its owner', () => {
    const remote = allOurs().filter((w) => w.topic !== 'product.deleted');
    remote[1] = { ...remote[1]!, status: 'disabled' };
    remote[2] = { ...remote[2]!, status: 'paused' };
    remote[3] = {
      ...remote[3]!,
      delivery_url: 'https://old-hub.example.com/webhooks/woocommerce/x',
      name: webhookName(target, 'order.restored'),
    };
    const plan = planWebhooks(remote, target, 'repair');
    expect(plan.actions).toEqual([
      { kind: 'update', id: 201, topic: 'order.updated', reason: 'disabled', changes: { status: 'active' } },
      {
        kind: 'update',
        id: 203,
        topic: 'order.restored',
        reason: 'moved',
        changes: { delivery_url: WEBHOOK_URL },
      },
      { kind: 'create', topic: 'product.deleted' },
    ]);
    expect(plan.paused).toEqual(['order.deleted']);
  });

  it('removes duplicates (a create whose answer was lost) and topics we no longer use', () => {
    const remote = [...allOurs(), ours(300, 'order.updated', 'disabled'), ours(301, 'product.restored')];
    const plan = planWebhooks(remote, target, 'repair');
    expect(plan.actions).toEqual([
      { kind: 'delete', id: 301, topic: 'product.restored', reason: 'obsolete' },
      { kind: 'delete', id: 300, topic: 'order.updated', reason: 'duplicate' },
    ]);
  });
});

describe('webhooks on the store', () => {
  const connector = testConnector();
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    expect(nock.pendingMocks()).toEqual([]);
    nock.cleanAll();
  });

  it('are created on connect, with the hub’s secret and names that find them again', async () => {
    const context = fakeContext();
    const created: any[] = [];
    nock(STORE)
      .get('/wp-json/wc/v3/orders')
      .query({ per_page: '1', _fields: 'id' })
      .reply(200, [])
      .get('/wp-json/wc/v3/webhooks')
      .query({ status: 'all', per_page: '100', page: '1', orderby: 'id', order: 'asc' })
      .reply(200, [fixtureJson('webhook.rest-v3.create-response.docs.json')], { 'x-wp-totalpages': '1' })
      .post('/wp-json/wc/v3/webhooks', (body) => {
        created.push(body);
        return true;
      })
      .times(WEBHOOK_TOPICS.length)
      .reply(201, async (request: Request) => {
        const body = (await request.json()) as any;
        return ours(500 + created.length, body.topic);
      });

    await connector.onConnect!(context);
    expect(created.map((c) => c.topic)).toEqual([...WEBHOOK_TOPICS]);
    expect(created[0]).toEqual({
      name: `Fulfillment hub: order.created [${CONNECTION_ID}]`,
      topic: 'order.created',
      delivery_url: WEBHOOK_URL,
      secret: WEBHOOK_SECRET,
    });
    expect(context.state.webhooks).toEqual(
      Object.fromEntries(WEBHOOK_TOPICS.map((topic, i) => [topic, 501 + i])),
    );
    expect(context.state.connectedAt).toBe('2026-05-04T10:00:00.000Z');
  });

  it('generate a secret on connect when the keys were pasted without one', async () => {
    const context = fakeContext({ credentials: { webhookSecret: undefined } });
    let secret = '';
    nock(STORE)
      .get('/wp-json/wc/v3/orders')
      .query(true)
      .reply(200, [])
      .get('/wp-json/wc/v3/webhooks')
      .query(true)
      .reply(200, allOurs())
      .put(/\/wp-json\/wc\/v3\/webhooks\/\d+/, (body) => {
        secret = body.secret;
        return true;
      })
      .times(WEBHOOK_TOPICS.length)
      .reply(200, async (request: Request) =>
        ours(Number(new URL(request.url).pathname.split('/').pop()), 'order.created'),
      );
    await connector.onConnect!(context);
    expect(secret).toMatch(/^[0-9a-f]{48}$/);
    expect(context.savedCredentials[0]?.webhookSecret).toBe(secret);
    expect(context.credentials.webhookSecret).toBe(secret);
  });

  it('are left alone by a health check when all is well', async () => {
    nock(STORE).get('/wp-json/wc/v3/webhooks').query(true).reply(200, allOurs());
    expect(await connector.checkHealth!(fakeContext())).toEqual({
      healthy: true,
      repaired: [],
      catchUp: false,
      webhooks: WEBHOOK_TOPICS.map((topic) => ({ topic, status: 'active' })),
    });
  });

  it('are re-activated or recreated by the health check, which asks for a catch-up poll', async () => {
    const remote = allOurs().filter((w) => w.topic !== 'product.deleted');
    remote[1] = { ...remote[1]!, status: 'disabled' };
    const context = fakeContext();
    let reactivation: any;
    nock(STORE)
      .get('/wp-json/wc/v3/webhooks')
      .query(true)
      .reply(200, remote)
      .put('/wp-json/wc/v3/webhooks/201', (body) => {
        reactivation = body;
        return true;
      })
      .reply(200, ours(201, 'order.updated'))
      .post('/wp-json/wc/v3/webhooks')
      .reply(201, ours(777, 'product.deleted'));

    const health = await connector.checkHealth!(context);
    expect(health).toEqual({
      healthy: false,
      repaired: ['reactivated:order.updated', 'created:product.deleted'],
      catchUp: true,
      // What the store has now, for the connection's health.
      webhooks: WEBHOOK_TOPICS.map((topic) =>
        topic === 'order.updated'
          ? { topic, status: 'active', repaired: 'reactivated' }
          : topic === 'product.deleted'
            ? { topic, status: 'active', repaired: 'created' }
            : { topic, status: 'active' },
      ),
    });
    // The secret goes along: a webhook disabled after signature failures would fail again without it.
    expect(reactivation).toEqual({
      name: webhookName(target, 'order.updated'),
      secret: WEBHOOK_SECRET,
      status: 'active',
    });
    expect(context.state.webhooks).toMatchObject({ 'order.updated': 201, 'product.deleted': 777 });
  });

  it('re-arm every webhook when a health check finds the connection without a secret', async () => {
    const context = fakeContext({ credentials: { webhookSecret: undefined } });
    const secrets = new Set<string>();
    nock(STORE)
      .get('/wp-json/wc/v3/webhooks')
      .query(true)
      .reply(200, allOurs())
      .put(/\/wp-json\/wc\/v3\/webhooks\/\d+/, (body) => {
        secrets.add(body.secret);
        return true;
      })
      .times(WEBHOOK_TOPICS.length)
      .reply(200, ours(200, 'order.created'));
    await connector.checkHealth!(context);
    expect([...secrets]).toEqual([context.credentials.webhookSecret]);
  });

  it('report a paused webhook as unhealthy without touching it', async () => {
    const remote = allOurs();
    remote[0] = { ...remote[0]!, status: 'paused' };
    nock(STORE).get('/wp-json/wc/v3/webhooks').query(true).reply(200, remote);
    expect(await connector.checkHealth!(fakeContext())).toEqual({
      healthy: false,
      repaired: [],
      catchUp: false,
      webhooks: WEBHOOK_TOPICS.map((topic, index) => ({ topic, status: index === 0 ? 'paused' : 'active' })),
    });
  });

  it('are listed across pages', async () => {
    const first = Array.from({ length: 100 }, (_, i) => ({
      ...fixtureJson('webhook.rest-v3.create-response.docs.json'),
      id: i + 1,
    }));
    nock(STORE)
      .get('/wp-json/wc/v3/webhooks')
      .query((q) => q.page === '1')
      .reply(200, first, { 'x-wp-totalpages': '2' })
      .get('/wp-json/wc/v3/webhooks')
      .query((q) => q.page === '2')
      .reply(200, allOurs(), { 'x-wp-totalpages': '2' });
    expect((await connector.checkHealth!(fakeContext())).healthy).toBe(true);
  });
});
