import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { createStorefrontSimulator, createThreePlSimulator } from '../sandbox/index.ts';
import { freePort, type HubProcess, spawnHub } from './helpers/spawn-hub.ts';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.ts';
import { TEST_API_TOKEN, testEnv, waitFor } from './helpers/test-hub.ts';

describe("a hub process's log", () => {
  let database: TestDatabase | undefined;
  let hub: HubProcess | undefined;
  const secrets = { apiKey: randomBytes(12).toString('hex'), webhookSecret: randomBytes(12).toString('hex') };
  const storefront = createStorefrontSimulator({ ...secrets, webhookRetryDelayMs: 200 });
  const threePl = createThreePlSimulator({ ...secrets, shipDelayMs: 200, webhookRetryDelayMs: 200 });
  afterAll(async () => {
    if (hub && hub.exited() === null) {
      hub.child.kill('SIGTERM');
      await once(hub.child, 'exit');
    }
    await storefront.close();
    await threePl.close();
    await database?.drop();
  });

  it('logs each job at debug level, and what the process did per queue at info level', async () => {
    database = await createTestDatabase();
    hub = await spawnHub(
      testEnv(database, {
        PORT: String(await freePort()),
        LOG_LEVEL: 'debug',
        JOB_SUMMARY_INTERVAL_SECONDS: '1',
      }),
    );
    const url = hub.url;
    const api = async (path: string, body: unknown) =>
      (
        await fetch(`${url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_API_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).json() as Promise<any>;
    const merchant = await api('/api/merchants', { name: 'Summary' });
    const storefrontConnection = await api('/api/connections', {
      merchantId: merchant.id,
      connector: 'sandbox-storefront',
      externalAccount: 'summary-storefront',
      settings: { baseUrl: await storefront.listen(0) },
      credentials: secrets,
    });
    const threePlConnection = await api('/api/connections', {
      merchantId: merchant.id,
      connector: 'sandbox-3pl',
      externalAccount: 'summary-3pl',
      settings: { baseUrl: await threePl.listen(0) },
      credentials: secrets,
      defaultFulfillment: true,
    });
    storefront.setWebhookUrl(storefrontConnection.webhookUrl);
    threePl.setWebhookUrl(threePlConnection.webhookUrl);

    const placed = [1, 2].map(() => storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] }));
    const running = hub;
    const lines = () =>
      running
        .stdout()
        .split('\n')
        .filter((line) => line.startsWith('{"level"'))
        .map((line) => JSON.parse(line));
    const summaries = await waitFor(async () => {
      const found = lines().filter((line) => line.msg === 'jobs summary');
      const applied = found.reduce((sum, line) => sum + (line.queues['apply-delivery']?.done ?? 0), 0);
      return applied >= placed.length ? found : undefined;
    }, 'a summary line counting the applied deliveries');

    for (const line of summaries) {
      expect(line.level).toBe(30);
      expect(line.instance).toMatchObject({ pid: running.child.pid });
      expect(line.instance.id).toMatch(/^[0-9a-f]{8}$/);
    }
    expect(new Set(summaries.map((line) => line.instance.id)).size).toBe(1);
    const completions = lines().filter((line) => line.msg === 'apply-delivery done');
    expect(completions.length).toBeGreaterThanOrEqual(placed.length);
    for (const line of completions) expect(line.level).toBe(20);
  });
});
