/**
 * Merchant-managed mode end to end, over HTTP with the real hub and database: install by OAuth
 * (with a token short-lived enough to be refreshed), webhooks verified and deduplicated, an order
 * from `orders/create` through the sandbox 3PL to a Shopify fulfillment with tracking,
 * reconciliation of an order whose webhook never came, then uninstall and the privacy topics.
 * Shopify is a fake shop behind nock; its answers are shaped by the 2026-07 schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from './helpers/deliveries.ts';
import { fixtureBytes, paidOrder, SHOP, serialize } from './helpers/fixtures.ts';
import { eventually, hubOrder, type ShopifyHub, startShopifyHub } from './helpers/shopify-hub.ts';

/** Variants of the reference order (#9999 is cancelled and voided): open and paid, with their own ids. */
function order(id: number, change: (order: any) => void = () => {}, updatedAt = '2026-11-20T10:00:00-05:00') {
  return paidOrder((payload) => {
    payload.admin_graphql_api_id = `gid://shopify/Order/${id}`;
    payload.name = `#${id}`;
    // Each variant's lines get ids of their own (the hub keys lines by them).
    payload.line_items.forEach((line: any, index: number) => {
      line.admin_graphql_api_id = `gid://shopify/LineItem/${id}${index}`;
    });
    change(payload);
  }, updatedAt);
}

describe('Shopify, merchant-managed, end to end', () => {
  let hub: ShopifyHub;
  let location: string;
  beforeAll(async () => {
    // 200-second tokens: inside the 5-minute margin, so the hub refreshes before each use.
    hub = await startShopifyHub({ mode: 'merchant_managed', tokenLifetimeSeconds: 200 });
    location = hub.shop.addLocation();
  });
  afterAll(async () => hub?.stop());

  it('installs by OAuth: an expiring token pair, the connection, and its webhooks; then refreshes the token', async () => {
    expect(hub.installStatus).toBe(200);
    const [exchange, ...refreshes] = hub.shop.tokenRequests;
    expect(exchange).toMatchObject({ code: 'authorization-code-1', expiring: '1' });
    // The first Admin calls (registering webhooks) found the token about to expire and refreshed it.
    expect(refreshes.length).toBeGreaterThanOrEqual(1);
    expect(refreshes[0]).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: expect.stringMatching(/^shprt_/),
    });
    const lastAccessToken = hub.shop.calls.at(-1)?.accessToken;
    expect(hub.shop.tokens.has(lastAccessToken ?? '')).toBe(true);

    const { body } = await hub.api<{ items: any[] }>('GET', '/api/connections');
    const connection = body.items.find((item) => item.connector === 'shopify');
    expect(connection).toMatchObject({
      externalAccount: SHOP,
      status: 'active',
      role: 'storefront',
      settings: { mode: 'merchant_managed' },
    });
    expect(connection).not.toHaveProperty('credentials');
    expect(hub.shop.webhookSubscriptions.map((subscription) => subscription.topic).sort()).toEqual([
      'APP_UNINSTALLED',
      'ORDERS_CANCELLED',
      'ORDERS_CREATE',
      'ORDERS_UPDATED',
    ]);
    expect(new Set(hub.shop.webhookSubscriptions.map((subscription) => subscription.uri))).toEqual(
      new Set([hub.webhookUrl]),
    );
  });

  it('answers 401 to a bad or missing HMAC and 200 to a good one, on both webhook routes', async () => {
    const body = fixtureBytes('orders_create.json');
    expect(
      (await hub.postWebhook('orders/updated', body, { hmac: sign(body, 'not-the-app-secret-000') })).status,
    ).toBe(401);
    expect((await hub.postWebhook('orders/updated', body, { hmac: null })).status).toBe(401);
    expect(
      (await hub.postWebhook('orders/updated', body, { route: 'connection', hmac: sign('another body') }))
        .status,
    ).toBe(401);
    const compliance = fixtureBytes('customers_data_request.json');
    expect(
      (
        await hub.postWebhook('customers/data_request', compliance, {
          hmac: sign(compliance, 'wrong-secret-0123456'),
        })
      ).status,
    ).toBe(401);
    // The reference order itself (cancelled): accepted and recorded.
    expect((await hub.postWebhook('orders/updated', body)).status).toBe(200);
    expect((await hub.postWebhook('orders/updated', body, { route: 'connection' })).status).toBe(200);
  });

  it('takes an order from orders/create to the 3PL, and fulfils it in Shopify with the tracking when it ships', async () => {
    const payload = order(1001);
    hub.shop.addOrderFromWebhook(payload, { locationId: location });
    const created = await hub.postWebhook('orders/create', serialize(payload));
    expect(created).toMatchObject({ status: 200, body: { outcome: 'accepted' } });

    const submitted = await eventually(async () => {
      const found = await hubOrder(hub, '1001');
      return found?.status === 'accepted' ? found : undefined;
    }, 'the order to be accepted by the 3PL');
    // Only shippable lines went to the warehouse, all of them stocked.
    expect(submitted.shipments[0].lines.map((line: any) => line.sku).sort()).toEqual([
      'CASE-LEATHER-PREM',
      'LENS-PROTECT-2YR',
      'SKU2006-001',
      'SKU2006-020',
      'SKU2006-035',
    ]);
    const [warehouseOrder] = hub.threePl.ordersByReference(submitted.shipments[0].id);
    expect(warehouseOrder?.ship_to).toMatchObject({
      name: 'Steve Shipper',
      city: 'Shippington',
      country_code: 'US',
    });

    hub.threePl.shipNow(warehouseOrder!.id);
    const fulfilled = await eventually(
      () => hub.shop.orders.get('gid://shopify/Order/1001')?.fulfillments[0],
      'the Shopify fulfillment',
    );
    expect(fulfilled.trackingInfo[0]).toMatchObject({
      number:
        warehouseOrder &&
        hub.threePl.orders().find((o) => o.id === warehouseOrder.id)?.shipment?.tracking_number,
    });
    expect(['UPS', 'DHL Express']).toContain(fulfilled.trackingInfo[0]?.company);
    expect(fulfilled.notifyCustomer).toBe(true);
    expect(fulfilled.lines.reduce((sum, line) => sum + line.quantity, 0)).toBe(5);
    await eventually(
      async () => (await hubOrder(hub, '1001'))?.shipments[0].trackingWrittenBack,
      'tracking written back',
    );
    expect(hub.shop.orders.get('gid://shopify/Order/1001')?.fulfillments).toHaveLength(1);
    expect(hub.shop.problems).toEqual([]);
  });

  it('applies order changes by updated_at, not by arrival, and ignores a redelivered webhook', async () => {
    const older = order(1002, (payload) => (payload.note = 'first version'), '2026-11-20T10:00:00-05:00');
    const newer = order(
      1002,
      (payload) => (payload.note = 'leave at the back door'),
      '2026-11-20T10:07:00-05:00',
    );
    hub.shop.addOrderFromWebhook(newer, { locationId: location });
    expect(
      (await hub.postWebhook('orders/updated', serialize(newer), { webhookId: 'wh-1002-updated' })).body
        .outcome,
    ).toBe('accepted');
    expect(
      (await hub.postWebhook('orders/create', serialize(older), { webhookId: 'wh-1002-create' })).body
        .outcome,
    ).toBe('accepted');
    expect(
      (await hub.postWebhook('orders/updated', serialize(newer), { webhookId: 'wh-1002-updated' })).body
        .outcome,
    ).toBe('duplicate');

    // Deliveries of one order run one at a time, but not necessarily in arrival order: whichever
    // version is applied last, the newer one must be what the hub holds once both are processed.
    const processed = async () => {
      const list = await hub.api('GET', `/api/deliveries?connectionId=${hub.connectionId}&limit=200`);
      return list.body.items.filter(
        (d: any) => ['wh-1002-create', 'wh-1002-updated'].includes(d.dedupeKey) && d.status === 'processed',
      ).length;
    };
    await eventually(
      async () => ((await processed()) === 2 ? true : undefined),
      'both versions to be processed',
    );
    const found = await hubOrder(hub, '1002');
    const applied = found.timeline.filter((event: any) =>
      ['order.received', 'order.updated'].includes(event.type),
    );
    const ignored = found.timeline.filter((event: any) => event.type === 'order.update_ignored');
    // Either the older came second and was ignored, or it came first and the newer one updated it.
    expect(ignored.length + applied.length).toBe(2);
    expect(found.note).toBe('leave at the back door');
    expect(
      hub.threePl.orders().filter((warehouseOrder) => warehouseOrder.order_number === '#1002'),
    ).toHaveLength(1);
  });

  it('reconciliation finds an order whose webhook never came', async () => {
    hub.shop.addOrderFromWebhook(
      order(1003, () => {}, new Date().toISOString()),
      { locationId: location },
    );
    expect(await hubOrder(hub, '1003')).toBeUndefined();
    await hub.running.hub.boss.send(
      'reconcile',
      { connectionId: hub.connectionId },
      { singletonKey: hub.connectionId },
    );
    const found = await eventually(async () => {
      const current = await hubOrder(hub, '1003');
      return current?.status === 'accepted' ? current : undefined;
    }, 'the reconciled order at the 3PL');
    expect(found.timeline[0].detail.via).toMatch(/^delivery:/);
    expect(hub.shop.callsOf('orders').length).toBeGreaterThanOrEqual(1);
  });

  it('uninstall stops the connection (repeatably); the privacy topics are still honoured', async () => {
    const uninstalled = fixtureBytes('app_uninstalled.json');
    expect((await hub.postWebhook('app/uninstalled', uninstalled)).status).toBe(200);
    await eventually(async () => {
      const { body } = await hub.api<{ items: any[] }>('GET', '/api/connections');
      return body.items.find((item) => item.connector === 'shopify')?.status === 'uninstalled';
    }, 'the connection to be uninstalled');
    expect((await hub.postWebhook('app/uninstalled', uninstalled)).status).toBe(200); // Shopify repeats it

    // An order arriving now is recorded but not taken in.
    const late = order(1004);
    expect((await hub.postWebhook('orders/create', serialize(late))).status).toBe(200);

    const dataRequest = Buffer.from(
      JSON.stringify({
        shop_id: 954889,
        shop_domain: SHOP,
        orders_requested: [1001],
        customer: { id: 191167, email: 'jon@example.com', phone: null },
        data_request: { id: 9999 },
      }),
    );
    expect((await hub.postWebhook('customers/data_request', dataRequest)).status).toBe(200);
    const report = await eventually(async () => {
      const { body } = await hub.api<{ items: any[] }>(
        'GET',
        '/api/privacy-requests?kind=customer.data_request',
      );
      return body.items[0];
    }, 'the data request to be recorded for the merchant');
    expect(report).toMatchObject({
      requestId: '9999',
      subject: { email: 'jon@example.com', sourceOrderIds: ['1001'] },
    });
    expect(report.result.orders.map((entry: any) => entry.order)).toContain('#1001');

    const redact = Buffer.from(
      JSON.stringify({
        shop_id: 954889,
        shop_domain: SHOP,
        customer: { id: 191167, email: 'jon@example.com', phone: null },
        orders_to_redact: [1001],
      }),
    );
    expect((await hub.postWebhook('customers/redact', redact)).status).toBe(200);
    await eventually(
      async () => (await hubOrder(hub, '1001'))?.email === null,
      'the customer’s data to be erased',
    );
    expect((await hubOrder(hub, '1001')).shippingAddress).toBeNull();

    expect(
      (
        await hub.postWebhook(
          'shop/redact',
          Buffer.from(JSON.stringify({ shop_id: 954889, shop_domain: SHOP })),
        )
      ).status,
    ).toBe(200);
    await eventually(async () => (await hubOrder(hub, '1001')) === undefined, 'the shop’s data to be purged');
    expect(await hubOrder(hub, '1004')).toBeUndefined();
    const { body } = await hub.api<{ items: any[] }>('GET', '/api/privacy-requests?kind=account.redact');
    expect(body.items).toHaveLength(1);
  });
});
