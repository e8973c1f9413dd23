// biome-ignore-all lint/suspicious/noExplicitAny: API answers and platform payloads are handled loosely here, as the other e2e tests do.
/**
 * The ShipBob issue's acceptance test: one merchant sells on Shopify and on WooCommerce and ships
 * everything from ShipBob. Over HTTP against the real hub on a real database, through the real
 * connectors; Shopify, WooCommerce and ShipBob are faked with nock at the network edge only
 * (Shopify's fake shop answers GraphQL shaped by its 2026-07 schema, the Woo store signs its
 * deliveries as WooCommerce does, ShipBob signs with the Standard Webhooks scheme).
 *
 * - ShipBob is connected with a Personal Access Token: channel chosen, one webhook subscription,
 *   the fulfillment centres listed, the merchant's default 3PL.
 * - A paid Shopify order (`orders/create`) and a paid WooCommerce order (`order.created`) each
 *   become a ShipBob order: our shipment id as `reference_id`, products by SKU, the mapped method.
 * - The WooCommerce order ships in one shipment: its tracking is written back to the store.
 * - ShipBob's stock per fulfillment centre reaches both storefronts, summed over the centres.
 * - The connection lists both centres as locations with their stock.
 * - The Shopify order ships in two shipments from two centres: both trackings are written back,
 *   each with its own lines (the hub's parcels).
 */
import { randomBytes } from 'node:crypto';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.ts';
import { type RunningHub, startHub } from '../../../src/start-hub.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/test-database.ts';
import { TEST_API_TOKEN, testEnv, waitFor } from '../../../test/helpers/test-hub.ts';
import { createConnectors } from '../../registry.ts';
import { forgetBuckets } from '../../shopify/rate-limiter.ts';
import { createShopifyConnector } from '../../shopify/shopify-connector.ts';
import { testAppConfig } from '../../shopify/test/helpers/connector-deps.ts';
import { shopifyHeaders } from '../../shopify/test/helpers/deliveries.ts';
import { FakeShop } from '../../shopify/test/helpers/fake-shop.ts';
import { paidOrder, SHOP, serialize } from '../../shopify/test/helpers/fixtures.ts';
import { forgetCredentials } from '../../shopify/token-refresh.ts';
import { createWooCommerceConnector } from '../../woocommerce/index.ts';
import { createFakeWooStore, type FakeWooStore } from '../../woocommerce/test/helpers/fake-woo-store.ts';
import { PUBLIC_ADDRESS } from '../../woocommerce/test/helpers/woo-test-kit.ts';
import { resetTokenCache } from '../token-refresh.ts';
import { type FakeShipBobAccount, startFakeShipBobAccount } from './helpers/fake-shipbob-account.ts';
import { CHANNEL, PAT } from './helpers/shipbob-test-kit.ts';

const STORE = 'https://woo-shop.example.com';
const CICERO = 156;
const MORENO_VALLEY = 178;
/** Shopify's reference order (#9999) ships these five SKUs, one each. */
const SHOPIFY_SKUS = ['CASE-LEATHER-PREM', 'LENS-PROTECT-2YR', 'SKU2006-001', 'SKU2006-020', 'SKU2006-035'];
/** The WooCommerce store sells two of its own, and the phone Shopify sells too. */
const WOO_PRODUCTS = [
  { id: 93, sku: 'WOO-MUG', parentId: null, stock: 0 },
  { id: 23, sku: 'SYI-BLACK-M', parentId: 22, stock: 0 },
  { id: 95, sku: 'SKU2006-001', parentId: null, stock: 0 },
];
/** What ShipBob can ship when the orders come in: Cicero holds every SKU, so each order is one hub shipment. */
const STOCK_AT_FIRST = {
  'SKU2006-001': { [CICERO]: 20, [MORENO_VALLEY]: 15 },
  'LENS-PROTECT-2YR': { [CICERO]: 50 },
  'CASE-LEATHER-PREM': { [CICERO]: 10, [MORENO_VALLEY]: 4 },
  'SKU2006-020': { [CICERO]: 6, [MORENO_VALLEY]: 9 },
  'SKU2006-035': { [CICERO]: 3, [MORENO_VALLEY]: 8 },
  'WOO-MUG': { [CICERO]: 30, [MORENO_VALLEY]: 12 },
  'SYI-BLACK-M': { [CICERO]: 5 },
};
/** What ShipBob reports at the next reconciliation (the WooCommerce order has left, stock arrived in California). */
const STOCK_LATER = {
  ...STOCK_AT_FIRST,
  'SKU2006-001': { [CICERO]: 19, [MORENO_VALLEY]: 15 },
  'WOO-MUG': { [CICERO]: 28, [MORENO_VALLEY]: 12 },
  'SYI-BLACK-M': { [CICERO]: 4, [MORENO_VALLEY]: 6 },
};
const sumOver = (byCenter: Record<number, number>) => Object.values(byCenter).reduce((a, b) => a + b, 0);

describe('one merchant, Shopify and WooCommerce, shipped by ShipBob', () => {
  let database: TestDatabase;
  let running: RunningHub;
  let shop: FakeShop;
  let shopLocation: string;
  let store: FakeWooStore;
  let shipbob: FakeShipBobAccount;
  let merchantId: string;
  let shipbobConnectionId: string;
  let shopifyOrder: any;
  let wooOrder: any;

  const api = async <T = any>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${running.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TEST_API_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  };
  const hubOrder = async (sourceOrderId: string): Promise<any> => {
    const list = await api<{ items: any[] }>('GET', '/api/orders?limit=200');
    const summary = list.body.items.find((o) => o.sourceOrderId === sourceOrderId);
    return summary ? (await api('GET', `/api/orders/${summary.id}`)).body : undefined;
  };
  const connect = async (input: Record<string, unknown>) => {
    const created = await api<{ id: string; webhookUrl: string }>('POST', '/api/connections', {
      merchantId,
      ...input,
    });
    if (created.status !== 201) throw new Error(`connecting failed: ${JSON.stringify(created.body)}`);
    return created.body;
  };
  /** The SKUs and quantities of a Shopify fulfillment, read through its fulfillment order lines. */
  const linesOf = (fulfillment: { lines: { id: string; quantity: number }[] }) =>
    fulfillment.lines
      .map((line) => {
        const order = shop.orders.get(shopifyOrder.admin_graphql_api_id)!;
        const foLine = order.fulfillmentOrders.nodes
          .flatMap((fo) => fo.lineItems.nodes)
          .find((candidate) => candidate.id === line.id);
        return [foLine?.lineItem.sku, line.quantity];
      })
      .sort();

  beforeAll(async () => {
    forgetBuckets();
    forgetCredentials();
    resetTokenCache();
    nock.disableNetConnect();
    // The hub and this test talk over loopback; the three platforms are faked at the edge.
    nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));

    shop = new FakeShop(SHOP).start();
    shopLocation = shop.addLocation();
    for (const sku of SHOPIFY_SKUS) shop.addInventoryItem(sku, { [shopLocation]: 0 });
    const wooKeys = {
      consumerKey: `ck_${randomBytes(20).toString('hex')}`,
      consumerSecret: `cs_${randomBytes(20).toString('hex')}`,
    };
    store = createFakeWooStore(STORE, {
      ...wooKeys,
      tracking: 'shipment-tracking',
      products: WOO_PRODUCTS.map((p) => ({ ...p })),
    });
    shipbob = startFakeShipBobAccount();
    shipbob.setStock(STOCK_AT_FIRST);

    database = await createTestDatabase();
    const replaced = new Set(['shopify', 'woocommerce']);
    running = await startHub(loadConfig(testEnv(database)), {
      connectors: [
        ...createConnectors({}).filter((c) => !replaced.has(c.manifest.name)),
        createShopifyConnector(testAppConfig({ appUrl: null })),
        createWooCommerceConnector({ resolveHost: async () => [PUBLIC_ADDRESS], retryDelayMs: 20 }),
      ],
    });
    merchantId = (await api<{ id: string }>('POST', '/api/merchants', { name: 'Two-store merchant' })).body
      .id;

    // The shop's offline token (as its OAuth exchange would hand it over), stock at its own location.
    const tokens = shop.issueTokens();
    await connect({
      connector: 'shopify',
      externalAccount: SHOP,
      settings: { mode: 'merchant_managed', stockLocationId: shopLocation },
      credentials: {
        accessToken: tokens.access_token,
        scope: tokens.scope,
        expiresAt: new Date(Date.now() + tokens.expires_in * 1000).toISOString(),
        refreshToken: tokens.refresh_token,
        refreshTokenExpiresAt: new Date(Date.now() + tokens.refresh_token_expires_in * 1000).toISOString(),
      },
    });
    await connect({
      connector: 'woocommerce',
      externalAccount: STORE,
      settings: { storeUrl: STORE },
      credentials: wooKeys,
    });
  });

  afterAll(async () => {
    await running?.stop();
    await database?.drop();
    shipbob?.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('connects ShipBob by Personal Access Token as the merchant’s default 3PL', async () => {
    const connection = await connect({
      connector: 'shipbob',
      externalAccount: 'production:two-storefronts',
      settings: {
        shippingMethods: { 'Generic Shipping': 'Standard', 'DHL Paket': 'Expedited' },
        pollInventory: true,
      },
      credentials: { accessToken: PAT },
      defaultFulfillment: true,
    });
    shipbobConnectionId = connection.id;

    // One subscription, to this connection's URL, with a Standard Webhooks secret.
    expect(shipbob.subscription()).toEqual({
      url: connection.webhookUrl,
      secret: expect.stringMatching(/^whsec_/),
    });
    expect(shipbob.calls.filter((call) => call === 'POST /webhook')).toHaveLength(1);
    const merchants = await api<{ items: any[] }>('GET', '/api/merchants');
    expect(merchants.body.items.find((m) => m.id === merchantId)).toMatchObject({
      defaultFulfillmentConnectionId: shipbobConnectionId,
    });
    // The webhooks of both storefronts are in place before their first order.
    expect(shop.webhookSubscriptions.map((s) => s.topic)).toContain('ORDERS_CREATE');
    expect(store.webhooks.map((w) => w.topic)).toContain('order.created');
  });

  it('creates a ShipBob order for a paid Shopify order and for a paid WooCommerce order', async () => {
    shopifyOrder = paidOrder((payload) => {
      payload.admin_graphql_api_id = 'gid://shopify/Order/5001';
      payload.name = '#5001';
      payload.line_items.forEach((line: any, index: number) => {
        line.admin_graphql_api_id = `gid://shopify/LineItem/5001${index}`;
      });
    });
    shop.addOrderFromWebhook(shopifyOrder, { locationId: shopLocation });
    const body = serialize(shopifyOrder);
    const delivered = await fetch(`${running.url}/webhooks/shopify`, {
      method: 'POST',
      headers: shopifyHeaders(body, { topic: 'orders/create' }),
      body,
    });
    expect(delivered.status).toBe(200);
    wooOrder = await store.placeOrder([
      { sku: 'WOO-MUG', productId: 93, quantity: 2, price: '12.00' },
      { sku: 'SYI-BLACK-M', productId: 22, variationId: 23, quantity: 1, price: '24.50' },
    ]);
    expect(store.deliveries.filter((d) => d.topic === 'order.created')).toEqual([
      { topic: 'order.created', id: wooOrder.id, status: 200, outcome: 'accepted' },
    ]);

    const atShipBob = async (sourceOrderId: string) =>
      waitFor(async () => {
        const order = await hubOrder(sourceOrderId);
        return order?.shipments?.[0]?.externalId ? order : undefined;
      }, `order ${sourceOrderId} at ShipBob`);
    const fromShopify = await atShipBob('5001');
    const fromWoo = await atShipBob(String(wooOrder.id));
    expect(fromShopify.shipments).toHaveLength(1);
    expect(fromWoo.shipments).toHaveLength(1);

    expect(shipbob.creates).toHaveLength(2);
    const createOf = (reference: string) => shipbob.creates.find((c) => c.body.reference_id === reference);
    const shopifyCreate = createOf(fromShopify.shipments[0].id);
    const wooCreate = createOf(String(fromWoo.shipments[0].id));
    for (const call of [shopifyCreate, wooCreate]) {
      expect(call).toMatchObject({ authorization: `Bearer ${PAT}`, channel: String(CHANNEL) });
    }
    // Cicero holds every SKU of both orders: the hub routed each there, and asks ShipBob for it.
    for (const call of [shopifyCreate, wooCreate]) expect(call?.body.location_id).toBe(CICERO);
    expect(shopifyCreate?.body).toMatchObject({
      type: 'DTC',
      order_number: '#5001',
      shipping_method: 'Standard',
      recipient: {
        name: 'Steve Shipper',
        address: { address1: '123 Shipping Street', city: 'Shippington', zip_code: '40003', country: 'US' },
      },
    });
    expect(shopifyCreate?.body.products.map((p: any) => [p.reference_id, p.quantity]).sort()).toEqual(
      SHOPIFY_SKUS.map((sku) => [sku, 1]),
    );
    expect(wooCreate?.body).toMatchObject({
      type: 'DTC',
      shipping_method: 'Expedited',
      recipient: { name: 'Zoë Müller', address: { city: 'Kraków', zip_code: '31-019', country: 'PL' } },
    });
    expect(wooCreate?.body.products.map((p: any) => [p.reference_id, p.quantity]).sort()).toEqual([
      ['SYI-BLACK-M', 1],
      ['WOO-MUG', 2],
    ]);
    // The hub holds each ShipBob order's id.
    expect(fromShopify.shipments[0].externalId).toBe(
      String(shipbob.orderByReference(shopifyCreate?.body.reference_id).id),
    );
  });

  it('writes the tracking of the WooCommerce order, shipped in one shipment, back to the store', async () => {
    const { shipments } = await hubOrder(String(wooOrder.id));
    const statuses = await shipbob.ship(shipments[0].id, [
      {
        location: CICERO,
        products: [
          { sku: 'WOO-MUG', quantity: 2 },
          { sku: 'SYI-BLACK-M', quantity: 1 },
        ],
        tracking: {
          carrier: 'USPS',
          carrier_service: 'ParcelSelect',
          tracking_number: '9261290306529427900001',
          tracking_url: null,
        },
      },
    ]);
    expect(statuses).toEqual([200]);

    const shipped = await waitFor(async () => {
      const order = await hubOrder(String(wooOrder.id));
      return order?.shipments[0].trackingWrittenBack && store.orders.get(wooOrder.id)?.status === 'completed'
        ? order
        : undefined;
    }, 'the tracking in the WooCommerce store');
    expect(shipped.shipments[0]).toMatchObject({
      status: 'shipped',
      tracking: { number: '9261290306529427900001' },
    });
    expect(store.trackingItems.get(wooOrder.id)?.map((item) => item.tracking_number)).toEqual([
      '9261290306529427900001',
    ]);
    // The shipment's record in the order names both lines with their quantities.
    const records = store.orders
      .get(wooOrder.id)
      .meta_data.filter((meta: any) => meta.key.startsWith('_fulfillment_hub_shipment_'));
    expect(records.map((meta: any) => meta.value.lines)).toEqual([
      Object.fromEntries(wooOrder.line_items.map((line: any) => [String(line.id), line.quantity])),
    ]);
  });

  it('publishes ShipBob’s stock to both storefronts, summed over its fulfillment centres', async () => {
    shipbob.setStock(STOCK_LATER);
    const reconciled = await api('POST', `/api/connections/${shipbobConnectionId}/reconcile`);
    expect(reconciled).toMatchObject({ status: 200, body: { outcome: 'completed' } });

    const inShopify = () =>
      Object.fromEntries(
        SHOPIFY_SKUS.map((sku) => [
          sku,
          shop.inventory.find((i) => i.sku === sku)?.available.get(shopLocation),
        ]),
      );
    const inWoo = () =>
      Object.fromEntries(WOO_PRODUCTS.map((p) => [p.sku, store.productBySku(p.sku)?.stock]));
    const wanted = (skus: string[]) =>
      Object.fromEntries(skus.map((sku) => [sku, sumOver(STOCK_LATER[sku as keyof typeof STOCK_LATER])]));
    await waitFor(
      async () =>
        JSON.stringify(inShopify()) === JSON.stringify(wanted(SHOPIFY_SKUS)) &&
        JSON.stringify(inWoo()) === JSON.stringify(wanted(WOO_PRODUCTS.map((p) => p.sku))),
      'the summed stock in both storefronts',
    );
    expect(inShopify()).toEqual({
      'CASE-LEATHER-PREM': 14,
      'LENS-PROTECT-2YR': 50,
      'SKU2006-001': 34,
      'SKU2006-020': 15,
      'SKU2006-035': 11,
    });
    expect(inWoo()).toEqual({ 'WOO-MUG': 40, 'SYI-BLACK-M': 10, 'SKU2006-001': 34 });

    // What each storefront was sent: Shopify's compare-and-set rows at the stock location ...
    const rowsFor = (sku: string) => {
      const item = shop.inventory.find((i) => i.sku === sku)!;
      return shop
        .callsOf('inventorySetQuantities')
        .flatMap((call) => call.variables.input.quantities)
        .filter((row: any) => row.inventoryItemId === item.id);
    };
    expect(rowsFor('SKU2006-001').at(-1)).toMatchObject({ locationId: shopLocation, quantity: 34 });
    // ... and WooCommerce's batch updates, products and variations, for the SKUs it sells only.
    const lastWrite = (sku: string) => store.stockWrites.filter((w) => w.sku === sku).at(-1)?.quantity;
    expect([lastWrite('WOO-MUG'), lastWrite('SYI-BLACK-M'), lastWrite('SKU2006-001')]).toEqual([40, 10, 34]);
    expect(new Set(store.stockWrites.map((w) => w.sku))).toEqual(new Set(WOO_PRODUCTS.map((p) => p.sku)));
    expect(shop.problems).toEqual([]);
  });

  it('lists both fulfillment centres as the connection’s locations, with their stock', async () => {
    const { status, body } = await api('GET', `/api/connections/${shipbobConnectionId}`);
    expect(status).toBe(200);
    const locations = [...body.locations].sort((a: any, b: any) => a.id.localeCompare(b.id));
    expect(locations.map((l: any) => [l.id, l.name, l.address])).toEqual([
      ['156', 'Cicero (IL)', { countryCode: 'US', region: 'IL', postalCode: '60804' }],
      ['178', 'Moreno Valley (CA)', { countryCode: 'US', region: 'CA', postalCode: '92551' }],
    ]);
    const stockAt = (center: number) =>
      Object.fromEntries(
        locations
          .find((l: any) => l.id === String(center))
          .stock.map((level: any) => [level.sku, level.available]),
      );
    const expected = (center: number) =>
      Object.fromEntries(
        Object.entries(STOCK_LATER).flatMap(([sku, byCenter]) =>
          center in byCenter ? [[sku, (byCenter as Record<number, number>)[center]]] : [],
        ),
      );
    expect(stockAt(CICERO)).toEqual(expected(CICERO));
    expect(stockAt(MORENO_VALLEY)).toEqual(expected(MORENO_VALLEY));
  });

  // Needs the hub's parcels (each ShipBob shipment stored and written back on its own). Cicero was
  // only ShipBob's desired centre: ShipBob still splits an order as its own stock and rules decide.
  it('writes both trackings of the Shopify order, shipped in two parcels from two centres, each with its own lines', async () => {
    const { shipments } = await hubOrder('5001');
    const statuses = await shipbob.ship(shipments[0].id, [
      {
        location: CICERO,
        products: [
          { sku: 'SKU2006-001', quantity: 1 },
          { sku: 'LENS-PROTECT-2YR', quantity: 1 },
          { sku: 'CASE-LEATHER-PREM', quantity: 1 },
        ],
        tracking: {
          carrier: 'USPS',
          carrier_service: 'ParcelSelect',
          tracking_number: '9261290306529427911297',
          tracking_url: null,
        },
      },
      {
        location: MORENO_VALLEY,
        products: [
          { sku: 'SKU2006-020', quantity: 1 },
          { sku: 'SKU2006-035', quantity: 1 },
        ],
        tracking: {
          carrier: 'UPS',
          carrier_service: 'Ground',
          tracking_number: '1Z999AA10123456784',
          tracking_url: null,
        },
      },
    ]);
    expect(statuses).toEqual([200, 200]);

    const fulfillments = await waitFor(async () => {
      const found = shop.orders.get(shopifyOrder.admin_graphql_api_id)?.fulfillments ?? [];
      return found.length >= 2 ? found : undefined;
    }, 'two fulfillments in Shopify');
    const byNumber = Object.fromEntries(fulfillments.map((f) => [f.trackingInfo[0]?.number, f]));
    expect(Object.keys(byNumber).sort()).toEqual(['1Z999AA10123456784', '9261290306529427911297']);
    expect(linesOf(byNumber['9261290306529427911297']!)).toEqual([
      ['CASE-LEATHER-PREM', 1],
      ['LENS-PROTECT-2YR', 1],
      ['SKU2006-001', 1],
    ]);
    expect(linesOf(byNumber['1Z999AA10123456784']!)).toEqual([
      ['SKU2006-020', 1],
      ['SKU2006-035', 1],
    ]);
    expect(byNumber['9261290306529427911297']?.trackingInfo[0]?.company).toBe('USPS');
    expect(byNumber['1Z999AA10123456784']?.trackingInfo[0]?.company).toBe('UPS');
    // Each parcel is written once, whatever else the hub heard since (the second delivery, a poll).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(shop.orders.get(shopifyOrder.admin_graphql_api_id)?.fulfillments).toHaveLength(2);
    expect((await hubOrder('5001')).shipments[0]).toMatchObject({ status: 'shipped' });
    expect(shop.problems).toEqual([]);
  });
});
