import { afterAll, describe, expect, it } from 'vitest';
import { type SandboxDemo, startSandboxDemo } from '../sandbox/demo.ts';
import { loadConfig } from '../src/config.ts';
import { type RunningHub, startHub } from '../src/start-hub.ts';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.ts';
import { TEST_API_TOKEN, testEnv, waitFor } from './helpers/test-hub.ts';

/**
 * `npm start` twice on one data folder: the simulators start from scratch, the hub does not. The
 * second run's orders must be new orders, shipped under their own 3PL ids, and the first run's
 * orders must keep their tracking.
 */
describe('the sandbox demo restarted on the same data', () => {
  let database: TestDatabase;
  let current: { running: RunningHub; demo: SandboxDemo } | null = null;

  const start = async () => {
    const running = await startHub(loadConfig(testEnv(database)));
    const demo = await startSandboxDemo(
      running.hub,
      { enabled: true, port: 0, orderIntervalMs: 0, shipDelayMs: 200 },
      running.url,
    );
    current = { running, demo };
    return current;
  };
  const stop = async () => {
    await current?.demo.stop();
    await current?.running.stop();
    current = null;
  };
  const api = async (path: string) => {
    const response = await fetch(`${current!.running.url}${path}`, {
      headers: { authorization: `Bearer ${TEST_API_TOKEN}` },
    });
    return (await response.json()) as any;
  };
  const shippedOrder = (sourceOrderId: string) =>
    waitFor(async () => {
      const list = await api('/api/orders?limit=200');
      const summary = list.items.find((o: any) => o.sourceOrderId === sourceOrderId);
      const order = summary ? await api(`/api/orders/${summary.id}`) : undefined;
      return order?.status === 'shipped' && order.shipments[0]?.trackingWrittenBack ? order : undefined;
    }, `order ${sourceOrderId} to ship with its tracking written back`);

  afterAll(async () => {
    await stop();
    await database?.drop();
  });

  it('never reuses a storefront order id or a 3PL order id of an earlier run', async () => {
    database = await createTestDatabase();
    const first = await start();
    const before = first.demo.storefront.placeOrder({ lines: [{ sku: 'SBX-TEE-M', quantity: 1 }] });
    const shippedBefore = await shippedOrder(before.id);
    await stop();

    const second = await start();
    const after = second.demo.storefront.placeOrder({ lines: [{ sku: 'SBX-TEE-M', quantity: 1 }] });
    expect(after.id).not.toBe(before.id);
    const shippedAfter = await shippedOrder(after.id);

    expect(shippedAfter.id).not.toBe(shippedBefore.id);
    expect(shippedAfter.shipments[0].externalId).not.toBe(shippedBefore.shipments[0].externalId);
    expect(shippedAfter.shipments[0].tracking.number).not.toBe(shippedBefore.shipments[0].tracking.number);
    const list = await api('/api/orders?limit=200');
    expect(list.items.map((o: any) => o.sourceOrderId).sort()).toEqual([before.id, after.id].sort());
    // The first run's order is as it was: same parcel, no conflict, nothing held.
    const old = await api(`/api/orders/${shippedBefore.id}`);
    expect(old).toMatchObject({ status: 'shipped', statusReason: null });
    expect(old.shipments[0].tracking.number).toBe(shippedBefore.shipments[0].tracking.number);
    expect(old.timeline.map((e: any) => e.type)).not.toContain('shipment.event_conflict');
  });
});
