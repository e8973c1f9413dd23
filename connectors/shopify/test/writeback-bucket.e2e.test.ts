/**
 * Tracking write-back on a shop with a small cost bucket (development stores, some plans), over
 * HTTP with the real hub and database. The usual read before a fulfillment costs about 530 points:
 * on a 200-point bucket Shopify answers THROTTLED to it every time. The hub must read in smaller
 * pages and write the tracking; and where not even the smallest page fits, the write-back must
 * show as stuck on the order and in the metrics, then dead-letter, and a person can retry it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paidOrder, serialize } from './helpers/fixtures.ts';
import { eventually, hubOrder, type ShopifyHub, startShopifyHub } from './helpers/shopify-hub.ts';

const SKUS = Array.from({ length: 60 }, (_, index) => `BULK-${String(index + 1).padStart(3, '0')}`);
/** How often a deferral is obeyed before the write-back counts as failed (default 30); stuck shows after a third. */
const MAX_DEFERRALS = 6;

/** A paid order of one unit of each of `skus`. */
function bulkOrder(id: number, skus: string[]) {
  return paidOrder((payload) => {
    const template = payload.line_items.find((line: any) => line.requires_shipping && line.sku);
    payload.admin_graphql_api_id = `gid://shopify/Order/${id}`;
    payload.name = `#${id}`;
    payload.line_items = skus.map((sku, index) => ({
      ...template,
      id: Number(`${id}${String(index).padStart(3, '0')}`),
      admin_graphql_api_id: `gid://shopify/LineItem/${id}${String(index).padStart(3, '0')}`,
      sku,
      name: `Bulk item ${sku}`,
      title: `Bulk item ${sku}`,
      quantity: 1,
      current_quantity: 1,
      fulfillable_quantity: 1,
    }));
  });
}

async function metric(hub: ShopifyHub, line: RegExp): Promise<number | undefined> {
  const text = await (await fetch(`${hub.running.url}/metrics`)).text();
  const found = text.split('\n').find((candidate) => line.test(candidate));
  return found === undefined ? undefined : Number(found.split(' ').at(-1));
}

describe('Shopify tracking write-back on a small cost bucket', () => {
  let hub: ShopifyHub;
  let location: string;

  /** Takes the order in, lets the 3PL ship it, and returns the hub's order. */
  async function shipped(id: number, skus: string[], split?: number[]) {
    const payload = bulkOrder(id, skus);
    const order = hub.shop.addOrderFromWebhook(payload, { locationId: location });
    if (split) hub.shop.splitFulfillmentOrder(order.id, split);
    expect((await hub.postWebhook('orders/create', serialize(payload))).body.outcome).toBe('accepted');
    const accepted = await eventually(async () => {
      const found = await hubOrder(hub, String(id));
      return found?.status === 'accepted' ? found : undefined;
    }, `order ${id} to be accepted by the 3PL`);
    const [warehouseOrder] = hub.threePl.ordersByReference(accepted.shipments[0].id);
    hub.threePl.shipNow(warehouseOrder!.id);
    return accepted;
  }

  beforeAll(async () => {
    hub = await startShopifyHub({
      mode: 'merchant_managed',
      threePl: { stock: Object.fromEntries(SKUS.map((sku) => [sku, 100])) },
      env: { JOB_MAX_DEFERRALS: String(MAX_DEFERRALS) },
    });
    location = hub.shop.addLocation();
  });
  afterAll(async () => hub?.stop());

  it('writes a large order’s tracking on a 200-point bucket, reading in pages that fit it', async () => {
    hub.shop.setBucket({ maximumAvailable: 200, restoreRate: 100 });
    // 60 lines in three fulfillment orders, one of them longer than a page of lines.
    const order = await shipped(3001, SKUS, [55, 3, 2]);
    const fulfillment = await eventually(
      () => hub.shop.orders.get('gid://shopify/Order/3001')?.fulfillments[0],
      'the Shopify fulfillment',
    );
    expect(fulfillment.lines).toHaveLength(60);
    expect(new Set(fulfillment.lines.map((line) => line.fulfillmentOrderId)).size).toBe(3);
    expect(fulfillment.trackingInfo[0]?.number).toBe(
      hub.threePl.ordersByReference(order.shipments[0].id)[0]?.shipment?.tracking_number,
    );
    const written = await eventually(async () => {
      const found = await hubOrder(hub, '3001');
      return found?.shipments[0].trackingWrittenBack ? found : undefined;
    }, 'the hub to record the tracking as written');
    expect(written.shipments[0].writebackStuck).toBeNull();
    // Every query Shopify ran fitted the bucket; only one fulfillment was made.
    const ran = hub.shop.calls.filter((call) => call.outcome === 'ok');
    expect(ran.every((call) => (call.requestedCost ?? 0) <= 200)).toBe(true);
    expect(ran.filter((call) => call.operationName === 'HubOrderFulfillmentState').length).toBeGreaterThan(1);
    expect(ran.some((call) => call.operationName === 'HubFulfillmentOrderLines')).toBe(true);
    expect(hub.shop.orders.get('gid://shopify/Order/3001')?.fulfillments).toHaveLength(1);
    expect(hub.shop.problems).toEqual([]);
  });

  it('a bucket too small for any page: stuck on the order and in the metrics, then dead-lettered; a retry writes it', async () => {
    // Smaller than the smallest read (one fulfillment order with one line), large enough for the mutation.
    hub.shop.setBucket({ maximumAvailable: 10, restoreRate: 100 });
    const order = await shipped(3002, SKUS.slice(0, 2));

    const stuck = await eventually(async () => {
      const found = await hubOrder(hub, '3002');
      return found?.shipments[0].writebackStuck ? found : undefined;
    }, 'the write-back to show as stuck on the order');
    expect(stuck.shipments[0].trackingWrittenBack).toBe(false);
    expect(stuck.shipments[0].writebackStuck).toMatchObject({
      code: 'cost_exceeds_bucket',
      reason: expect.stringMatching(/bucket holds only 10/),
      deferrals: expect.any(Number),
      since: expect.any(String),
    });
    expect(stuck.timeline.map((event: any) => event.type)).toContain('tracking.writeback_stuck');
    expect(
      await metric(hub, /^hub_job_deferrals_total\{queue="write-tracking",code="cost_exceeds_bucket"\}/),
    ).toBeGreaterThanOrEqual(2);

    // It stops: dead-lettered like any other failure, shown on the order, nothing left to run.
    const failed = await eventually(async () => {
      const found = await hubOrder(hub, '3002');
      return found?.timeline.some((event: any) => event.type === 'tracking.write_failed') ? found : undefined;
    }, 'the write-back to be dead-lettered');
    expect(failed.timeline.find((event: any) => event.type === 'tracking.write_failed').detail).toMatchObject(
      {
        shipmentId: order.shipments[0].id,
        code: 'cost_exceeds_bucket',
      },
    );
    expect(failed.timeline.filter((event: any) => event.type === 'tracking.writeback_stuck')).toHaveLength(1);
    // Put off six times; the seventh "later" dead-lettered it.
    expect(failed.shipments[0].writebackStuck).toMatchObject({
      deadLettered: true,
      deferrals: MAX_DEFERRALS + 1,
    });
    expect(
      await metric(hub, /^hub_deferred_operations\{queue="write-tracking",state="dead_lettered"\}/),
    ).toBe(1);
    expect(
      await metric(hub, /^hub_deferred_operations\{queue="write-tracking",state="(deferred|stuck)"\}/),
    ).toBeUndefined();
    expect(await metric(hub, /^hub_jobs_pending\{queue="dead-letter"\}/)).toBeGreaterThanOrEqual(1);
    // One read a deferral (and one smaller read on the first attempt): it did not go on.
    const reads = () =>
      hub.shop.calls.filter(
        (call) =>
          call.operationName === 'HubOrderFulfillmentState' &&
          call.variables.id === 'gid://shopify/Order/3002',
      ).length;
    const attempts = reads();
    expect(attempts).toBeLessThanOrEqual(MAX_DEFERRALS + 2);

    // The merchant's plan gives the shop its bucket back; a person retries the order.
    hub.shop.setBucket({ maximumAvailable: 2000, restoreRate: 100 });
    expect((await hub.api('POST', `/api/orders/${order.id}/retry`)).status).toBe(202);
    const written = await eventually(async () => {
      const found = await hubOrder(hub, '3002');
      return found?.shipments[0].trackingWrittenBack ? found : undefined;
    }, 'the retried write-back');
    expect(written.shipments[0].writebackStuck).toBeNull();
    expect(hub.shop.orders.get('gid://shopify/Order/3002')?.fulfillments).toHaveLength(1);
    expect(reads()).toBeGreaterThan(attempts);
    expect(
      await metric(hub, /^hub_deferred_operations\{queue="write-tracking",state="dead_lettered"\}/),
    ).toBe(undefined);
    expect(hub.shop.problems).toEqual([]);
  });
});
