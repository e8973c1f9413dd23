import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { createStorefrontSimulator, createThreePlSimulator } from '../sandbox/index.ts';
import { freePort, spawnHub } from './helpers/spawn-hub.ts';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.ts';
import { TEST_API_TOKEN, testEnv, waitFor } from './helpers/test-hub.ts';

describe('a hub process killed between submitting to the 3PL and recording it', () => {
  let database: TestDatabase | undefined;
  const children: ChildProcess[] = [];
  const secrets = { apiKey: randomBytes(12).toString('hex'), webhookSecret: randomBytes(12).toString('hex') };
  let killed = false;
  const storefront = createStorefrontSimulator({ ...secrets, webhookRetries: 20, webhookRetryDelayMs: 500 });
  const threePl = createThreePlSimulator({
    ...secrets,
    shipDelayMs: 0, // shipped by hand once the hub is back, so no webhook is lost while it is down
    beforeCreateResponse: async () => {
      if (killed) return;
      killed = true;
      // The 3PL has stored the order; the hub dies before it hears back.
      const victim = children[0]!;
      victim.kill('SIGKILL');
      await once(victim, 'exit');
    },
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await storefront.close();
    await threePl.close();
    await database?.drop();
  });

  it('loses nothing and creates no second remote order after restart', async () => {
    database = await createTestDatabase();
    const env = testEnv(database, { PORT: String(await freePort()) });
    const first = await spawnHub(env);
    children.push(first.child);
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${first.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${TEST_API_TOKEN}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      return (await response.json()) as any;
    };
    const merchant = await api('POST', '/api/merchants', { name: 'Crash test' });
    const storefrontConnection = await api('POST', '/api/connections', {
      merchantId: merchant.id,
      connector: 'sandbox-storefront',
      externalAccount: 'crash-storefront',
      settings: { baseUrl: await storefront.listen(0) },
      credentials: secrets,
    });
    const threePlConnection = await api('POST', '/api/connections', {
      merchantId: merchant.id,
      connector: 'sandbox-3pl',
      externalAccount: 'crash-3pl',
      settings: { baseUrl: await threePl.listen(0) },
      credentials: secrets,
    });
    storefront.setWebhookUrl(storefrontConnection.webhookUrl);
    threePl.setWebhookUrl(threePlConnection.webhookUrl);

    const placed = storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] });
    await waitFor(
      async () => first.child.exitCode !== null || first.child.signalCode !== null,
      'the first hub to be killed',
    );
    expect(threePl.orders()).toHaveLength(1);

    const second = await spawnHub(env);
    children.push(second.child);
    const orders = async () => (await api('GET', '/api/orders')).items as any[];
    const accepted = await waitFor(
      async () => (await orders()).find((o) => o.sourceOrderId === placed.id && o.status === 'accepted'),
      'the restarted hub to finish the submission',
      45_000,
    );
    const remote = threePl.orders()[0]!;
    threePl.shipNow(remote.id);
    const detail = await waitFor(async () => {
      const order = await api('GET', `/api/orders/${accepted.id}`);
      return order.status === 'shipped' && order.shipments[0].trackingWrittenBack ? order : undefined;
    }, 'the order to ship');

    expect(threePl.orders()).toHaveLength(1);
    expect(threePl.ordersByReference(detail.shipments[0].id)).toHaveLength(1);
    expect(threePl.createAttempts()).toBeGreaterThanOrEqual(2);
    expect(detail.shipments).toHaveLength(1);
    expect(detail.shipments[0].externalId).toBe(remote.id);
    expect(storefront.fulfillmentsOf(placed.id)).toHaveLength(1);

    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
  });
});
