/**
 * A write-back the storefront keeps deferring ("come back later": a 429 with Retry-After) is
 * counted across every job that tries it, over HTTP with the real hub and database: a new job for
 * the same shipment (the 3PL's `delivered` event queues one) adds to the same count instead of
 * starting again. Past a third of the limit the order shows the write-back as stuck; at the limit
 * it is dead-lettered and shown as failed; a person's retry of the order writes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxStorefront } from '../connectors/sandbox/index.ts';
import type { StorefrontConnector } from '../src/sdk/contracts.ts';
import { RetryableError } from '../src/sdk/errors.ts';
import { findOrder, startTestHub, type TestHub, waitFor, waitForOrderStatus } from './helpers/test-hub.ts';

const MAX_DEFERRALS = 6;

/**
 * The sandbox storefront, answering "later" to every tracking write while `deferring`; the
 * attempt numbered `holdAt` waits until the test releases it.
 */
function deferringStorefront(holdAt: number) {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const state = { deferring: true, attempts: 0, release };
  const connector: StorefrontConnector = {
    ...sandboxStorefront,
    manifest: { ...sandboxStorefront.manifest, name: 'deferring-storefront' },
    async writeTracking(context, input) {
      state.attempts += 1;
      if (state.attempts === holdAt) await released;
      if (state.deferring) {
        throw new RetryableError('rate_limited', 'the storefront answered 429: retry after 0.2 s', {}, 200);
      }
      return sandboxStorefront.writeTracking(context, input);
    },
  };
  return { connector, state };
}

describe('a write-back the storefront keeps deferring', () => {
  const stuckAfter = Math.ceil(MAX_DEFERRALS / 3);
  // Held right after it shows as stuck, so the second job is queued before the first gives up.
  const storefront = deferringStorefront(stuckAfter + 1);
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({
      storefrontConnector: storefront.connector,
      env: { JOB_MAX_DEFERRALS: String(MAX_DEFERRALS) },
    });
  });
  afterAll(async () => hub?.stop());

  it('is counted across jobs, shows as stuck, then dead-letters; a retry writes it', async () => {
    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-TEE-M', quantity: 1 }] });
    const shipped = await waitForOrderStatus(hub, placed.id, 'shipped');

    const stuck = await waitFor(async () => {
      const order = await findOrder(hub, placed.id);
      return order?.shipments[0].writebackStuck ? order : undefined;
    }, 'the write-back to show as stuck');
    expect(stuck.shipments[0].writebackStuck).toMatchObject({
      code: 'rate_limited',
      reason: 'the storefront answered 429: retry after 0.2 s',
      deferrals: stuckAfter,
      deadLettered: false,
    });
    expect(stuck.timeline.map((event: any) => event.type)).toContain('tracking.writeback_stuck');
    expect(stuck.shipments[0].trackingWrittenBack).toBe(false);

    // The parcel is delivered: the 3PL's event queues the write-back again, as a new job.
    await waitFor(async () => storefront.state.attempts === stuckAfter + 1, 'the held attempt');
    const [warehouseOrder] = hub.threePl.ordersByReference(shipped.shipments[0].id);
    hub.threePl.deliverNow(warehouseOrder!.id);
    await waitForOrderStatus(hub, placed.id, 'delivered');
    storefront.state.release();

    const failed = await waitFor(async () => {
      const order = await findOrder(hub, placed.id);
      return order?.timeline.some((event: any) => event.type === 'tracking.write_failed') ? order : undefined;
    }, 'the write-back to be dead-lettered');
    // One count for the operation, whichever job tried: the (MAX + 1)th "later" of the two jobs
    // together dead-lettered it (the other may have tried once more meanwhile). Had the new job
    // started again at 0, the first to give up would have done MAX + 1 attempts on its own.
    expect(storefront.state.attempts).toBeLessThanOrEqual(MAX_DEFERRALS + 2);
    expect(failed.shipments[0].writebackStuck).toMatchObject({ deadLettered: true, code: 'rate_limited' });
    expect(failed.shipments[0].writebackStuck.deferrals).toBeGreaterThan(MAX_DEFERRALS);
    expect(failed.timeline.filter((event: any) => event.type === 'tracking.writeback_stuck')).toHaveLength(1);
    expect(failed.timeline.find((event: any) => event.type === 'tracking.write_failed').detail).toMatchObject(
      {
        shipmentId: shipped.shipments[0].id,
        code: 'rate_limited',
      },
    );
    expect(hub.storefront.fulfillmentsOf(placed.id)).toEqual([]);

    storefront.state.deferring = false;
    expect((await hub.api('POST', `/api/orders/${shipped.id}/retry`)).status).toBe(202);
    const written = await waitFor(async () => {
      const order = await findOrder(hub, placed.id);
      return order?.shipments[0].trackingWrittenBack ? order : undefined;
    }, 'the retried write-back');
    expect(written.shipments[0].writebackStuck).toBeNull();
    expect(hub.storefront.fulfillmentsOf(placed.id)).toHaveLength(1);
  });
});
