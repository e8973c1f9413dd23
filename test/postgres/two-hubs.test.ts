import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { type RunningHub, startHub } from '../../src/start-hub.ts';
import { startTestHub, type TestHub, testEnv, waitFor } from '../helpers/test-hub.ts';

// PostgreSQL only: PGlite is one process's embedded database by design.
describe('two hub processes on one database', () => {
  let first: TestHub;
  let second: RunningHub;
  beforeAll(async () => {
    first = await startTestHub({ threePl: { shipDelayMs: 300 } });
    second = await startHub(loadConfig(testEnv(first.database)));
    // The 3PL reports to the second hub, the storefront to the first: work crosses processes.
    const connections = await first.api('GET', '/api/connections');
    const threePl = connections.body.items.find((c: any) => c.id === first.threePlConnectionId);
    first.threePl.setWebhookUrl(threePl.webhookUrl.replace(first.running.url, second.url));
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
  });

  it('ship every order exactly once, sharing the work', async () => {
    const placed = Array.from({ length: 30 }, () =>
      first.storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] }),
    );
    await waitFor(
      async () => {
        const list = await first.api<{ items: any[] }>('GET', '/api/orders?status=shipped&limit=200');
        return list.body.items.length === placed.length ? list.body.items : undefined;
      },
      'all orders to ship',
      60_000,
    );
    expect(first.threePl.orders()).toHaveLength(placed.length);
    // One create call per order: no two jobs, in either process, submitted the same shipment.
    expect(first.threePl.createAttempts()).toBe(placed.length);
    for (const order of placed) {
      await waitFor(
        async () => first.storefront.fulfillmentsOf(order.id).length === 1,
        `tracking for ${order.name}`,
      );
    }
    const references = new Set(first.threePl.orders().map((o) => o.reference));
    expect(references.size).toBe(placed.length);
  });
});
