import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createStorefrontSimulator, createThreePlSimulator } from '../../sandbox/index.ts';
import type { StorefrontOrder } from '../../sandbox/storefront-simulator-types.ts';
import { freePort, type HubProcess, spawnHub } from '../helpers/spawn-hub.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { TEST_API_TOKEN, testEnv, waitFor } from '../helpers/test-hub.ts';

// PostgreSQL only: PGlite runs inside the process and has no connection to lose.
describe('a hub whose database connections are dropped during a burst', () => {
  let database: TestDatabase | undefined;
  let proxy: TcpProxy | undefined;
  let hub: HubProcess | undefined;
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  const storefrontSecrets = {
    apiKey: randomBytes(12).toString('hex'),
    webhookSecret: randomBytes(12).toString('hex'),
  };
  const threePlSecrets = {
    apiKey: randomBytes(12).toString('hex'),
    webhookSecret: randomBytes(12).toString('hex'),
  };
  // A storefront that retries the way Shopify does, often enough to outlast the outage below.
  const storefront = createStorefrontSimulator({
    ...storefrontSecrets,
    webhookRetries: 12,
    webhookRetryDelayMs: 200,
  });
  const threePl = createThreePlSimulator({
    ...threePlSecrets,
    shipDelayMs: 200,
    webhookRetries: 12,
    webhookRetryDelayMs: 200,
  });

  afterAll(async () => {
    if (hub && hub.exited() === null) {
      hub.child.kill('SIGTERM');
      await once(hub.child, 'exit');
    }
    await storefront.close();
    await threePl.close();
    await proxy?.close();
    await admin.end().catch(() => {});
    await database?.drop();
  });

  it('stays up, answers 503 while it cannot reach the database, and loses or repeats no order', async () => {
    database = await createTestDatabase();
    await admin.connect();
    const databaseName = new URL(database.databaseUrl!).pathname.slice(1);
    const server = new URL(database.databaseUrl!);
    proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
    const viaProxy = new URL(database.databaseUrl!);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    hub = await spawnHub(
      testEnv(
        { ...database, databaseUrl: viaProxy.toString() },
        { PORT: String(await freePort()), JOB_RETRY_LIMIT: '10' },
      ),
    );
    const running = hub;
    const alive = () => {
      if (running.exited() !== null)
        throw new Error(`the hub exited (${running.exited()}):\n${running.stderr().slice(-2000)}`);
    };
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${running.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${TEST_API_TOKEN}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as any };
    };
    const merchant = (await api('POST', '/api/merchants', { name: 'Dropped connections' })).body;
    const storefrontConnection = (
      await api('POST', '/api/connections', {
        merchantId: merchant.id,
        connector: 'sandbox-storefront',
        externalAccount: 'dropped-storefront',
        settings: { baseUrl: await storefront.listen(0) },
        credentials: storefrontSecrets,
      })
    ).body;
    const threePlConnection = (
      await api('POST', '/api/connections', {
        merchantId: merchant.id,
        connector: 'sandbox-3pl',
        externalAccount: 'dropped-3pl',
        settings: { baseUrl: await threePl.listen(0) },
        credentials: threePlSecrets,
        defaultFulfillment: true,
      })
    ).body;
    storefront.setWebhookUrl(storefrontConnection.webhookUrl);
    threePl.setWebhookUrl(threePlConnection.webhookUrl);

    // A burst of orders while every backend of the hub's database is terminated again and again:
    // what a PostgreSQL restart, a failover or a proxy dropping connections does.
    const placed: StorefrontOrder[] = [];
    let terminations = 0;
    const terminate = async () => {
      const result = await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [databaseName],
      );
      terminations += result.rowCount ?? 0;
    };
    for (let round = 0; round < 16; round++) {
      for (let i = 0; i < 4; i++)
        placed.push(storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] }));
      await sleep(150);
      await terminate();
      alive();
    }
    expect(terminations).toBeGreaterThan(16);

    // Then the database is unreachable for a while: readiness says so, and a webhook that arrives
    // meanwhile is told to come back (503 with Retry-After), not that the hub failed (500).
    proxy.cut();
    const notReady = await waitFor(async () => {
      alive();
      const ready = await fetch(`${running.url}/readyz`);
      return ready.status === 503 ? ((await ready.json()) as any) : undefined;
    }, '/readyz to report the database unavailable');
    expect(notReady.reason).toMatch(/database/);
    const api503 = await api('GET', '/api/orders');
    expect(api503.status).toBe(503);
    expect(api503.body.error).toBe('database_unavailable');
    expect(Number(api503.headers.get('retry-after'))).toBeGreaterThan(0);
    const duringOutage = storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 2 }] });
    placed.push(duringOutage);
    await waitFor(async () => {
      alive();
      const event = storefront.events().find((e) => e.body.includes(`"id":"${duringOutage.id}"`));
      return event?.attempts.some((attempt) => attempt.status === 503);
    }, 'the webhook sent during the outage to be refused with 503');
    proxy.restore();
    await waitFor(async () => {
      alive();
      return (await fetch(`${running.url}/readyz`)).status === 200;
    }, '/readyz to report ready again');

    // Every order reaches the 3PL exactly once and ships, with its tracking written back once.
    await waitFor(
      async () => {
        alive();
        return placed.every((order) => storefront.fulfillmentsOf(order.id).length > 0);
      },
      'every order to ship and have its tracking written back',
      120_000,
    );
    alive();
    for (const order of placed) {
      expect(threePl.orders().filter((remote) => remote.order_number === order.name)).toHaveLength(1);
      expect(storefront.fulfillmentsOf(order.id)).toHaveLength(1);
    }
    expect(threePl.orders()).toHaveLength(placed.length);

    const attempts = storefront
      .events()
      .filter((event) => event.topic === 'orders/create')
      .flatMap((event) => event.attempts);
    const failed = attempts.filter((attempt) => attempt.status !== 200);
    // A dropped connection is the database's failure, not the sender's and not a bug: 503 + Retry-After.
    expect(failed.length).toBeGreaterThan(0);
    for (const attempt of failed) {
      expect(attempt.status).toBe(503);
      expect(Number(attempt.retryAfter)).toBeGreaterThan(0);
    }
    const list = await api('GET', '/api/orders?limit=200');
    expect(list.body.items).toHaveLength(placed.length);
  });
});
