/**
 * Fulfillment-service mode end to end, over HTTP with the real hub and database: the install
 * registers the hub's fulfillment service (its location) and webhooks; a fulfillment request
 * announced by a notification goes to the sandbox 3PL, is accepted in Shopify, and comes back as a
 * fulfillment with tracking; an unroutable one is rejected with its reason; cancellation requests
 * are accepted or refused as the 3PL can; stock follows the 3PL; a THROTTLED answer reschedules.
 *
 * Notifications are posted where Shopify posts them: `<callbackUrl>/fulfillment_order_notification`,
 * the callback URL being the connection's webhook URL. The plain URL still takes them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notification, sign } from './helpers/deliveries.ts';
import type { FakeFulfillmentOrder } from './helpers/fake-shop.ts';
import { paidOrder, SHOP, serialize } from './helpers/fixtures.ts';
import {
  eventually,
  FIXTURE_STOCK,
  hubOrder,
  type ShopifyHub,
  startShopifyHub,
} from './helpers/shopify-hub.ts';

function order(id: number, change: (order: any) => void = () => {}) {
  return paidOrder((payload) => {
    payload.admin_graphql_api_id = `gid://shopify/Order/${id}`;
    payload.name = `#${id}`;
    payload.line_items.forEach((line: any, index: number) => {
      line.admin_graphql_api_id = `gid://shopify/LineItem/${id}${index}`;
    });
    change(payload);
  });
}

describe('Shopify as a fulfillment service, end to end', () => {
  let hub: ShopifyHub;
  let location: string;

  /** Shopify assigns an order to the hub's location and the merchant requests fulfillment. */
  function requested(id: number, change?: (order: any) => void): FakeFulfillmentOrder {
    const created = hub.shop.addOrderFromWebhook(order(id, change), {
      locationId: location,
      requestStatus: 'SUBMITTED',
      requestedAt: new Date().toISOString(),
    });
    return created.fulfillmentOrders.nodes[0]!;
  }

  async function notify(
    kind: 'FULFILLMENT_REQUEST' | 'CANCELLATION_REQUEST',
    url = `${hub.webhookUrl}/fulfillment_order_notification`,
  ) {
    const { body, headers } = notification(kind);
    const response = await fetch(url, { method: 'POST', headers, body });
    return { status: response.status, body: await response.json() };
  }

  beforeAll(async () => {
    hub = await startShopifyHub({ mode: 'fulfillment_service' });
    location = hub.shop.fulfillmentServices[0]?.location?.id ?? '';
    // The merchant stocks the fixture's products at the hub's location (and one elsewhere).
    for (const sku of Object.keys(FIXTURE_STOCK)) hub.shop.addInventoryItem(sku, { [location]: 0 });
  });
  afterAll(async () => {
    if (process.env.DEBUG_SHOP)
      console.log(
        JSON.stringify(hub.shop.calls.map((c) => [c.operationName, c.outcome, c.variables])),
        hub.shop.problems,
      );
    await hub?.stop();
  });

  it('registers the fulfillment service with the connection’s URL as its callback, and the webhooks', () => {
    expect(hub.shop.fulfillmentServices).toEqual([
      {
        id: expect.any(String),
        serviceName: 'Fulfillment Hub',
        callbackUrl: hub.webhookUrl,
        location: { id: location },
      },
    ]);
    expect(hub.shop.webhookSubscriptions.map((subscription) => subscription.topic).sort()).toEqual([
      'APP_UNINSTALLED',
      'FULFILLMENT_ORDERS_CANCELLATION_REQUEST_SUBMITTED',
      'FULFILLMENT_ORDERS_FULFILLMENT_REQUEST_SUBMITTED',
      'INVENTORY_LEVELS_UPDATE',
      'ORDERS_CANCELLED',
    ]);
  });

  it('takes a requested order to the 3PL, accepts the request, and fulfils it with tracking when it ships', async () => {
    const fulfillmentOrder = requested(2001);
    expect(await notify('FULFILLMENT_REQUEST')).toMatchObject({ status: 200, body: { outcome: 'accepted' } });

    await eventually(() => fulfillmentOrder.requestStatus === 'ACCEPTED', 'the request to be accepted');
    expect(fulfillmentOrder.answers).toEqual([
      { kind: 'accept_fulfillment', message: 'Accepted: sent to the warehouse.' },
    ]);
    const taken = await hubOrder(hub, '2001');
    expect(taken.status).toBe('accepted');
    expect(taken.timeline.map((event: any) => event.type)).toContain('routing.accepted');

    const [warehouseOrder] = hub.threePl.ordersByReference(taken.shipments[0].id);
    hub.threePl.shipNow(warehouseOrder!.id);
    const fulfillment = await eventually(
      () => fulfillmentOrder.order.fulfillments[0],
      'the fulfillment in Shopify',
    );
    const shipped = hub.threePl.orders().find((candidate) => candidate.id === warehouseOrder!.id)!;
    expect(fulfillment.location?.id).toBe(location);
    expect(fulfillment.trackingInfo[0]?.number).toBe(shipped.shipment?.tracking_number);
    expect(fulfillmentOrder.status).toBe('CLOSED');
    // Stock followed the 3PL when the order was routed: published to the hub's location.
    // (what the 3PL can still ship: its count less what it allocated to this order).
    await eventually(
      () =>
        hub.shop.inventory.find((item) => item.sku === 'SKU2006-035')?.available.get(location) ===
        hub.threePl.stock()['SKU2006-035'],
      'stock to be published to the hub’s location',
    );
    expect(hub.threePl.stock()['SKU2006-035']).toBe(FIXTURE_STOCK['SKU2006-035'] - 1);
    expect(hub.shop.problems).toEqual([]);
  });

  it('also takes requests announced by the fulfillment_orders webhook topic', async () => {
    const fulfillmentOrder = requested(2002);
    const body = serialize({
      original_fulfillment_order: { id: fulfillmentOrder.id, status: 'open', request_status: 'unsubmitted' },
      submitted_fulfillment_order: { id: fulfillmentOrder.id, status: 'open', request_status: 'submitted' },
      fulfillment_order_merchant_request: {
        id: 'gid://shopify/FulfillmentOrderMerchantRequest/1',
        message: 'Fragile',
      },
    });
    expect((await hub.postWebhook('fulfillment_orders/fulfillment_request_submitted', body)).status).toBe(
      200,
    );
    await eventually(() => fulfillmentOrder.requestStatus === 'ACCEPTED', 'the request to be accepted');
  });

  it('rejects a request the hub cannot route, with Shopify’s reason', async () => {
    const fulfillmentOrder = requested(2003, (payload) => {
      payload.line_items[0].sku = 'NOT-AT-THE-3PL';
    });
    await notify('FULFILLMENT_REQUEST');
    await eventually(() => fulfillmentOrder.requestStatus === 'REJECTED', 'the request to be rejected');
    expect(fulfillmentOrder.answers).toEqual([
      {
        kind: 'reject_fulfillment',
        reason: 'INVALID_SKU',
        message: 'The warehouse does not stock a SKU of this order.',
      },
    ]);
    expect((await hubOrder(hub, '2003')).status).toBe('on_hold');
  });

  it('accepts a cancellation request the 3PL could still carry out', async () => {
    const fulfillmentOrder = requested(2004);
    await notify('FULFILLMENT_REQUEST');
    await eventually(() => fulfillmentOrder.requestStatus === 'ACCEPTED', 'the request to be accepted');

    hub.shop.requestCancellation(fulfillmentOrder.order.id);
    await notify('CANCELLATION_REQUEST');
    await eventually(
      () => fulfillmentOrder.requestStatus === 'CANCELLATION_ACCEPTED',
      'the cancellation to be accepted',
    );
    expect((await hubOrder(hub, '2004')).status).toBe('cancelled');
    expect(hub.threePl.orders().find((candidate) => candidate.order_number === '#2004')?.status).toBe(
      'cancelled',
    );
  });

  it('refuses a cancellation request once the parcel has left', async () => {
    const fulfillmentOrder = requested(2005);
    await notify('FULFILLMENT_REQUEST');
    const taken = await eventually(async () => {
      const current = await hubOrder(hub, '2005');
      return current?.status === 'accepted' ? current : undefined;
    }, 'the order at the 3PL');
    hub.threePl.shipNow(hub.threePl.ordersByReference(taken.shipments[0].id)[0]!.id);
    await eventually(async () => (await hubOrder(hub, '2005'))?.status === 'shipped', 'the order to ship');

    hub.shop.requestCancellation(fulfillmentOrder.order.id);
    await notify('CANCELLATION_REQUEST');
    await eventually(
      () => fulfillmentOrder.answers.some((answer) => answer.kind === 'reject_cancellation'),
      'the refusal',
    );
    expect(fulfillmentOrder.answers.find((answer) => answer.kind === 'reject_cancellation')?.message).toMatch(
      /can no longer cancel/,
    );
  });

  it('publishes stock changes at the 3PL, and ignores the echo of its own write', async () => {
    // A SKU that no order here moves: the earlier tests' orders change other SKUs' stock, and their
    // publications reach Shopify whenever the hub gets to them, so one of them could be taken for
    // this test's own (it was, under load: the count this test then waited for was another's).
    const sku = 'SKU2006-STOCK-ONLY';
    const item = hub.shop.addInventoryItem(sku, { [location]: 0 });
    const rowOf = (call: { variables: any }) =>
      call.variables.input.quantities.find((row: any) => row.inventoryItemId === item.id);
    const writesOfItem = () => hub.shop.callsOf('inventorySetQuantities').filter(rowOf);
    hub.threePl.setStock(sku, 3);
    // No order holds it, so the hub publishes the 3PL's count as it is, in one write.
    await eventually(() => item.available.get(location) === 3, 'the new count in Shopify');
    expect(writesOfItem()).toHaveLength(1);
    const last = writesOfItem()[0]!;
    expect(rowOf(last)).toEqual({
      inventoryItemId: item.id,
      locationId: location,
      quantity: 3,
      changeFromQuantity: 0,
    });
    expect(last.idempotencyKey).toEqual(expect.any(String));
    expect(last.variables.input).toMatchObject({
      name: 'available',
      referenceDocumentUri: expect.stringMatching(/^gid:\/\/fulfillment-hub\//),
    });

    // Shopify announces our own write back: nothing to do.
    const level = (available: number) =>
      serialize({
        inventory_item_id: Number(item.id.split('/').pop()),
        location_id: Number(location.split('/').pop()),
        available,
        updated_at: new Date().toISOString(),
        admin_graphql_api_id: `gid://shopify/InventoryLevel/${location.split('/').pop()}?inventory_item_id=${item.id.split('/').pop()}`,
      });
    expect((await hub.postWebhook('inventory_levels/update', level(3))).status).toBe(200);
    // The merchant edits the count in the admin: the hub's count is put back.
    item.available.set(location, 9);
    expect((await hub.postWebhook('inventory_levels/update', level(9))).status).toBe(200);
    await eventually(() => item.available.get(location) === 3, 'the hub’s count to be put back');
    expect(writesOfItem()).toHaveLength(2);
    expect(rowOf(writesOfItem()[1]!)).toEqual({
      inventoryItemId: item.id,
      locationId: location,
      quantity: 3,
      changeFromQuantity: 9,
    });
  });

  it('reschedules the job when Shopify answers THROTTLED, and then succeeds', async () => {
    const fulfillmentOrder = requested(2006);
    hub.shop.throttleNext = 1;
    await notify('FULFILLMENT_REQUEST');
    await eventually(
      () => fulfillmentOrder.requestStatus === 'ACCEPTED',
      'the request to be accepted after the throttle',
      30_000,
    );
    expect(hub.shop.calls.some((call) => call.outcome === 'throttled')).toBe(true);
    // The apply job gave its slot back with Shopify's wait, and ran again later: two attempts.
    const delivery = await eventually(async () => {
      const { body } = await hub.api<{ items: any[] }>(
        'GET',
        `/api/deliveries?connectionId=${hub.connectionId}&limit=50`,
      );
      const newest = body.items.find((item) => item.topic === 'fulfillment_order_notification');
      return newest?.status === 'processed' ? newest : undefined;
    }, 'the notification to be processed');
    expect(delivery.attempts).toBe(2);
    expect(delivery.lastError).toBeNull();
  });

  it('takes a notification at the plain callback URL too, and refuses other sub-paths and forgeries', async () => {
    const fulfillmentOrder = requested(2007);
    expect(await notify('FULFILLMENT_REQUEST', hub.webhookUrl)).toMatchObject({
      status: 200,
      body: { outcome: 'accepted' },
    });
    await eventually(() => fulfillmentOrder.requestStatus === 'ACCEPTED', 'the request to be accepted');

    expect(await notify('FULFILLMENT_REQUEST', `${hub.webhookUrl}/fetch_stock`)).toMatchObject({
      status: 400,
      body: { outcome: 'rejected' },
    });
    const { body } = notification('FULFILLMENT_REQUEST');
    const forged = await fetch(`${hub.webhookUrl}/fulfillment_order_notification`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-hmac-sha256': sign(body, 'not-the-secret-000'),
      },
      body,
    });
    expect(forged.status).toBe(401);
    const unsigned = await fetch(`${hub.webhookUrl}/fulfillment_order_notification`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({ error: 'missing_signature' });
  });

  it('puts back a deleted subscription the moment ops ask, and shows the webhooks and the token’s expiry', async () => {
    // Shopify deletes an Admin API subscription after 8 failed deliveries in a row.
    const index = hub.shop.webhookSubscriptions.findIndex((s) => s.topic === 'ORDERS_CANCELLED');
    hub.shop.webhookSubscriptions.splice(index, 1);
    const answer = await hub.api('POST', `/api/connections/${hub.connectionId}/reconcile`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      trigger: 'api',
      outcome: 'completed',
      health: { healthy: false, repaired: ['webhook:ORDERS_CANCELLED'], catchUp: true },
    });
    expect(hub.shop.webhookSubscriptions.map((s) => s.topic)).toContain('ORDERS_CANCELLED');

    const { body } = await hub.api('GET', `/api/connections/${hub.connectionId}`);
    expect(body.health.platform).toMatchObject({
      healthy: false,
      repaired: ['webhook:ORDERS_CANCELLED'],
      token: { expiresAt: expect.any(String), refreshExpiresAt: expect.any(String) },
    });
    expect(body.health.platform.webhooks).toContainEqual({
      topic: 'ORDERS_CANCELLED',
      status: 'active',
      repaired: 'created',
    });
    expect(body.health.platform.webhooks).toHaveLength(5);
    expect(Date.parse(body.health.platform.token.expiresAt)).toBeGreaterThan(Date.now());
    expect(body.health.lastReconciliation).toMatchObject({ trigger: 'api', outcome: 'completed' });
  });

  it('is addressed by the shop header at the app-wide route too', async () => {
    const { body, headers } = notification('FULFILLMENT_REQUEST', SHOP);
    const response = await fetch(`${hub.running.url}/webhooks/shopify`, { method: 'POST', headers, body });
    expect(response.status).toBe(200);
  });
});
