import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NeedsHumanError, RetryableError } from '../../../src/sdk/index.ts';
import { FULFILLMENTS_ROUTE } from '../detect-tracking.ts';
import { shipmentTrackingBody } from '../tracking-destinations.ts';
import { fullyShipped, orderUpdate, SHIPMENT_META_PREFIX, shippedQuantities } from '../write-tracking.ts';
import { createFakeWooStore } from './helpers/fake-woo-store.ts';
import { fakeContext, KEYS, orderWith, STORE, testConnector } from './helpers/woo-test-kit.ts';

const connector = testConnector();
const SHIPMENT_ID = '5b0e7c9a-1f3d-4c2b-9a8e-7d6c5b4a3f21';
const ORDER = '/wp-json/wc/v3/orders/727';

const write = (
  overrides: { tracking?: object; lines?: object[]; previousExternalId?: string | null } = {},
) => ({
  order: { sourceOrderId: '727', sourceOrderName: '#727', sourceData: { number: '727' } },
  shipment: {
    id: SHIPMENT_ID,
    lines: (overrides.lines as never) ?? [
      { sourceLineId: '315', sku: 'WOO-SINGLE-1', quantity: 2 },
      { sourceLineId: '316', sku: 'SYI-BLACK-M', quantity: 1 },
    ],
    tracking: {
      carrier: 'UPS',
      number: '1Z999AA10123456784',
      url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
      ...overrides.tracking,
    },
  },
  previousExternalId: overrides.previousExternalId ?? null,
});

const shippedRecord = {
  tracking_number: '1Z999AA10123456784',
  carrier: 'UPS',
  url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
  lines: { '315': 2, '316': 1 },
};

function index(body: object) {
  return nock(STORE).get('/wp-json/').reply(200, body);
}

/** Captures the body of the order update, so a test can look at it. */
function expectOrderUpdate() {
  const seen: { body?: any } = {};
  nock(STORE)
    .put(ORDER, (body) => {
      seen.body = body;
      return true;
    })
    .reply(200, orderWith({ status: 'completed' }));
  return seen;
}

describe('tracking write-back', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    expect(nock.pendingMocks()).toEqual([]);
    nock.cleanAll();
  });

  describe('with Shipment Tracking (or AST) installed', () => {
    const namespaces = {
      namespaces: ['wp/v2', 'wc/v3', 'wc-shipment-tracking/v3'],
      routes: { [FULFILLMENTS_ROUTE]: {} },
    };

    it('adds one tracking item, then completes the order', async () => {
      const context = fakeContext();
      let posted: any;
      nock(STORE).get(ORDER).reply(200, orderWith({}));
      index(namespaces);
      nock(STORE)
        .get('/wp-json/wc-shipment-tracking/v3/orders/727/shipment-trackings')
        .reply(200, [])
        .post('/wp-json/wc-shipment-tracking/v3/orders/727/shipment-trackings', (body) => {
          posted = body;
          return true;
        })
        .reply(201, {
          tracking_id: 'b2f2c6ae9a0f4d0b8e6f1a2b3c4d5e6f',
          tracking_number: '1Z999AA10123456784',
        });
      const update = expectOrderUpdate();

      const result = await connector.writeTracking(context, write());
      expect(result).toEqual({ externalId: 'shipment-tracking:727:b2f2c6ae9a0f4d0b8e6f1a2b3c4d5e6f' });
      expect(posted).toEqual({
        tracking_number: '1Z999AA10123456784',
        custom_tracking_provider: 'UPS',
        custom_tracking_link: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
        date_shipped: '2026-05-04',
      });
      expect(update.body).toEqual({
        meta_data: [
          {
            key: `${SHIPMENT_META_PREFIX}${SHIPMENT_ID}`,
            value: { ...shippedRecord, via: 'shipment-tracking' },
          },
        ],
        status: 'completed',
      });
      expect(context.state.tracking).toEqual({
        capability: 'shipment-tracking',
        detectedAt: '2026-05-04T10:00:00.000Z',
      });
    });

    it('never adds a second item when retried after a lost answer', async () => {
      const context = fakeContext({
        state: { tracking: { capability: 'shipment-tracking', detectedAt: '2026-05-04T09:00:00.000Z' } },
      });
      // The first attempt added the item, then the order update failed.
      nock(STORE).get(ORDER).reply(200, orderWith({}));
      nock(STORE)
        .get('/wp-json/wc-shipment-tracking/v3/orders/727/shipment-trackings')
        .reply(200, [])
        .post('/wp-json/wc-shipment-tracking/v3/orders/727/shipment-trackings')
        .reply(201, { tracking_id: 'first', tracking_number: '1Z999AA10123456784' });
      nock(STORE).put(ORDER).times(2).reply(503, 'busy');
      await expect(connector.writeTracking(context, write())).rejects.toBeInstanceOf(RetryableError);

      // The retry finds the item (matched on its number) and only finishes the order.
      nock(STORE).get(ORDER).reply(200, orderWith({}));
      nock(STORE)
        .get('/wp-json/wc-shipment-tracking/v3/orders/727/shipment-trackings')
        .reply(200, [
          { tracking_id: 'first', tracking_number: '1z999aa10123456784', tracking_provider: 'UPS' },
        ]);
      const update = expectOrderUpdate();
      expect(await connector.writeTracking(context, write())).toEqual({
        externalId: 'shipment-tracking:727:first',
      });
      expect(update.body.status).toBe('completed');

      // And once everything is written, a third call changes nothing at all.
      nock(STORE)
        .get(ORDER)
        .reply(
          200,
          orderWith({
            status: 'completed',
            meta_data: [
              {
                id: 1,
                key: `${SHIPMENT_META_PREFIX}${SHIPMENT_ID}`,
                value: { ...shippedRecord, via: 'shipment-tracking' },
              },
            ],
          }),
        );
      nock(STORE)
        .get('/wp-json/wc-shipment-tracking/v3/orders/727/shipment-trackings')
        .reply(200, [{ tracking_id: 'first', tracking_number: '1Z999AA10123456784' }]);
      expect(await connector.writeTracking(context, write())).toEqual({
        externalId: 'shipment-tracking:727:first',
      });
    });

    it('replaces the item when the tracking number changed after the first write', async () => {
      const context = fakeContext({
        state: { tracking: { capability: 'shipment-tracking', detectedAt: '2026-05-04T09:00:00.000Z' } },
      });
      nock(STORE)
        .get(ORDER)
        .reply(200, orderWith({ status: 'completed' }));
      nock(STORE)
        .get('/wp-json/wc-shipment-tracking/v3/orders/727/shipment-trackings')
        .reply(200, [{ tracking_id: 'old', tracking_number: '1Z999AA10123456784' }])
        .post('/wp-json/wc-shipment-tracking/v3/orders/727/shipment-trackings')
        .reply(201, { tracking_id: 'new', tracking_number: 'JD014600003828' })
        .delete('/wp-json/wc-shipment-tracking/v3/orders/727/shipment-trackings/old')
        .reply(200, { deleted: true });
      const update = expectOrderUpdate();
      const result = await connector.writeTracking(
        context,
        write({
          tracking: { carrier: 'DHL', number: 'JD014600003828', url: null },
          previousExternalId: 'shipment-tracking:727:old',
        }),
      );
      expect(result).toEqual({ externalId: 'shipment-tracking:727:new' });
      // Already completed: only the shipment's record changes.
      expect(update.body.status).toBeUndefined();
      expect(update.body.meta_data[0].value.tracking_number).toBe('JD014600003828');
    });

    it('re-detects when the plugin has been removed', async () => {
      const context = fakeContext({
        state: { tracking: { capability: 'shipment-tracking', detectedAt: '2026-05-04T09:00:00.000Z' } },
      });
      nock(STORE).get(ORDER).reply(200, orderWith({}));
      nock(STORE)
        .get('/wp-json/wc-shipment-tracking/v3/orders/727/shipment-trackings')
        .reply(404, { code: 'rest_no_route', message: 'No route was found', data: { status: 404 } });
      await expect(connector.writeTracking(context, write())).rejects.toMatchObject({
        code: 'tracking_capability_changed',
      });
      expect(context.state.tracking).toBeNull();
    });
  });

  describe('with core order fulfillments (WooCommerce 10.1+)', () => {
    const index101 = {
      namespaces: ['wp/v2', 'wc/v3', 'wc/store/v1'],
      routes: { '/wc/v3/orders': {}, [FULFILLMENTS_ROUTE]: {} },
    };

    it('creates one fulfillment with the tracking and our shipment id, then completes the order', async () => {
      const context = fakeContext();
      let posted: any;
      nock(STORE).get(ORDER).reply(200, orderWith({}));
      index(index101);
      nock(STORE)
        .get('/wp-json/wc/v3/orders/727/fulfillments')
        .reply(200, [])
        .post('/wp-json/wc/v3/orders/727/fulfillments', (body) => {
          posted = body;
          return true;
        })
        .query({ notify_customer: 'true' })
        .reply(201, { fulfillment: { id: 31, entity_id: '727', is_fulfilled: true, meta_data: [] } });
      const update = expectOrderUpdate();

      expect(await connector.writeTracking(context, write())).toEqual({ externalId: 'fulfillment:727:31' });
      expect(posted).toEqual({
        status: 'fulfilled',
        is_fulfilled: true,
        meta_data: [
          {
            key: '_items',
            value: [
              { item_id: 315, qty: 2 },
              { item_id: 316, qty: 1 },
            ],
          },
          { key: '_tracking_number', value: '1Z999AA10123456784' },
          { key: '_shipment_provider', value: 'UPS' },
          { key: '_tracking_url', value: 'https://www.ups.com/track?tracknum=1Z999AA10123456784' },
          { key: '_hub_shipment_id', value: SHIPMENT_ID },
        ],
      });
      expect(update.body.status).toBe('completed');
      expect(context.state.tracking).toMatchObject({ capability: 'fulfillments' });
    });

    it('finds its fulfillment on a retry instead of creating another (either response shape)', async () => {
      const context = fakeContext({
        state: { tracking: { capability: 'fulfillments', detectedAt: '2026-05-04T09:00:00.000Z' } },
      });
      nock(STORE).get(ORDER).reply(200, orderWith({}));
      nock(STORE)
        .get('/wp-json/wc/v3/orders/727/fulfillments')
        .reply(200, {
          fulfillments: [
            {
              id: 31,
              meta_data: [
                { id: 1, key: '_tracking_number', value: '1Z999AA10123456784' },
                { id: 2, key: '_hub_shipment_id', value: SHIPMENT_ID },
              ],
            },
          ],
        });
      expectOrderUpdate();
      expect(await connector.writeTracking(context, write())).toEqual({ externalId: 'fulfillment:727:31' });
    });

    it('is found through the endpoints themselves when the index is hidden', async () => {
      const context = fakeContext();
      nock(STORE).get(ORDER).reply(200, orderWith({}));
      nock(STORE)
        .get('/wp-json/')
        .reply(401, { code: 'rest_login_required', message: 'REST API restricted', data: { status: 401 } });
      nock(STORE)
        .get('/wp-json/wc-shipment-tracking/v3/orders/727/shipment-trackings')
        .reply(404, { code: 'rest_no_route', message: 'No route was found', data: { status: 404 } })
        .get('/wp-json/wc/v3/orders/727/fulfillments')
        .reply(200, [])
        .get('/wp-json/wc/v3/orders/727/fulfillments')
        .reply(200, [])
        .post('/wp-json/wc/v3/orders/727/fulfillments')
        .query(true)
        .reply(201, { id: 32, meta_data: [] });
      expectOrderUpdate();
      expect(await connector.writeTracking(context, write())).toEqual({ externalId: 'fulfillment:727:32' });
    });
  });

  describe('without a tracking plugin or fulfillments', () => {
    const bare = { namespaces: ['wp/v2', 'wc/v3'], routes: { '/wc/v3/orders': {} } };

    it('writes order meta and a private note, then completes the order', async () => {
      const context = fakeContext();
      let note: any;
      nock(STORE).get(ORDER).reply(200, orderWith({}));
      index(bare);
      nock(STORE)
        .get('/wp-json/wc/v3/orders/727/notes')
        .query({ type: 'any', per_page: '100' })
        .reply(200, [{ id: 1, note: 'Order status changed from Pending payment to Processing.' }])
        .post('/wp-json/wc/v3/orders/727/notes', (body) => {
          note = body;
          return true;
        })
        .reply(201, { id: 2, note: '…' });
      const update = expectOrderUpdate();

      expect(await connector.writeTracking(context, write())).toEqual({
        externalId: `order-meta:727:${SHIPMENT_ID}`,
      });
      expect(note).toEqual({
        note: `Shipped with UPS. Tracking number: 1Z999AA10123456784 (https://www.ups.com/track?tracknum=1Z999AA10123456784). Shipment ${SHIPMENT_ID}.`,
        customer_note: false,
      });
      expect(update.body).toEqual({
        meta_data: [
          { key: `${SHIPMENT_META_PREFIX}${SHIPMENT_ID}`, value: { ...shippedRecord, via: 'order-meta' } },
          { key: '_tracking_number', value: '1Z999AA10123456784' },
          { key: '_tracking_provider', value: 'UPS' },
          { key: '_tracking_url', value: 'https://www.ups.com/track?tracknum=1Z999AA10123456784' },
        ],
        status: 'completed',
      });
    });

    it('adds neither a second note nor a second meta entry when retried', async () => {
      const context = fakeContext({
        state: { tracking: { capability: 'order-meta', detectedAt: '2026-05-04T09:00:00.000Z' } },
      });
      nock(STORE)
        .get(ORDER)
        .reply(
          200,
          orderWith({
            status: 'completed',
            meta_data: [
              {
                id: 9,
                key: `${SHIPMENT_META_PREFIX}${SHIPMENT_ID}`,
                value: { ...shippedRecord, via: 'order-meta' },
              },
            ],
          }),
        );
      nock(STORE)
        .get('/wp-json/wc/v3/orders/727/notes')
        .query(true)
        .reply(200, [
          { id: 2, note: `Shipped with UPS. Tracking number: 1Z999AA10123456784. Shipment ${SHIPMENT_ID}.` },
        ]);
      expect(await connector.writeTracking(context, write())).toEqual({
        externalId: `order-meta:727:${SHIPMENT_ID}`,
      });
    });

    it('makes the note visible to the customer when the store asks for it', async () => {
      const context = fakeContext({
        settings: { trackingNoteToCustomer: true },
        state: { tracking: { capability: 'order-meta', detectedAt: '2026-05-04T09:00:00.000Z' } },
      });
      let note: any;
      nock(STORE).get(ORDER).reply(200, orderWith({}));
      nock(STORE)
        .get('/wp-json/wc/v3/orders/727/notes')
        .query(true)
        .reply(200, [])
        .post('/wp-json/wc/v3/orders/727/notes', (body) => {
          note = body;
          return true;
        })
        .reply(201, { id: 3, note: '…' });
      expectOrderUpdate();
      await connector.writeTracking(context, write());
      expect(note.customer_note).toBe(true);
    });
  });

  describe('completing the order', () => {
    const state = { tracking: { capability: 'order-meta', detectedAt: '2026-05-04T09:00:00.000Z' } };

    it('leaves the order open while lines are still to ship, and completes it with the last shipment', () => {
      const order = orderWith({});
      const first = write({ lines: [{ sourceLineId: '315', sku: 'WOO-SINGLE-1', quantity: 2 }] }).shipment;
      const firstUpdate = orderUpdate(order, first, {
        capability: 'shipment-tracking',
        completeOnShip: true,
      });
      expect(firstUpdate?.status).toBeUndefined();
      const afterFirst = { ...order, meta_data: firstUpdate?.meta_data };
      const second = {
        ...write({ lines: [{ sourceLineId: '316', sku: 'SYI-BLACK-M', quantity: 1 }] }).shipment,
        id: 'second',
      };
      expect(
        orderUpdate(afterFirst, second, { capability: 'shipment-tracking', completeOnShip: true })?.status,
      ).toBe('completed');
    });

    it('counts quantities across shipments', () => {
      const shipped = shippedQuantities(
        [
          { key: `${SHIPMENT_META_PREFIX}a`, value: { lines: { '315': 1 } } },
          { key: 'other', value: 1 },
        ],
        write({ lines: [{ sourceLineId: '315', sku: 'X', quantity: 1 }] }).shipment,
      );
      expect(shipped.get('315')).toBe(2);
      expect(fullyShipped([{ id: 315, quantity: 2 }], shipped)).toBe(true);
      expect(fullyShipped([{ id: 315, quantity: 3 }], shipped)).toBe(false);
    });

    it.each(['completed', 'cancelled', 'refunded', 'pending', 'failed'])(
      'never moves a %s order',
      (status) => {
        expect(
          orderUpdate(orderWith({ status }), write().shipment, {
            capability: 'order-meta',
            completeOnShip: true,
          })?.status,
        ).toBeUndefined();
      },
    );

    it('does not complete when the store turned it off', async () => {
      const context = fakeContext({ settings: { completeOnShip: false }, state });
      nock(STORE).get(ORDER).reply(200, orderWith({}));
      nock(STORE)
        .get('/wp-json/wc/v3/orders/727/notes')
        .query(true)
        .reply(200, [])
        .post('/wp-json/wc/v3/orders/727/notes')
        .reply(201, { id: 1, note: '' });
      const update = expectOrderUpdate();
      await connector.writeTracking(context, write());
      expect(update.body.status).toBeUndefined();
      expect(update.body.meta_data).toHaveLength(4);
    });

    it('reports an order the store no longer has', async () => {
      nock(STORE)
        .get(ORDER)
        .reply(404, {
          code: 'woocommerce_rest_shop_order_invalid_id',
          message: 'Invalid ID.',
          data: { status: 404 },
        });
      const error = await connector.writeTracking(fakeContext({ state }), write()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NeedsHumanError);
      expect(error).toMatchObject({ code: 'order_not_found' });
    });
  });

  it('sends a predefined provider by name, and a link in the custom fields', () => {
    expect(shipmentTrackingBody({ carrier: 'USPS', number: '9400', url: null }, '2026-05-04')).toEqual({
      tracking_number: '9400',
      tracking_provider: 'USPS',
      date_shipped: '2026-05-04',
    });
    expect(shipmentTrackingBody({ carrier: null, number: '9400', url: null }, '2026-05-04')).toMatchObject({
      custom_tracking_provider: 'Carrier',
    });
  });
});

describe('two shipments of one order written at once', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());

  it('completes the order once both have recorded their lines', async () => {
    const origin = 'https://split.example.com';
    const store = createFakeWooStore(origin, { ...KEYS, tracking: 'order-meta', products: [] });
    const order = await store.placeOrder([
      { sku: 'A', productId: 1, quantity: 1, price: '5.00' },
      { sku: 'B', productId: 2, quantity: 3, price: '2.00' },
    ]);
    const context = fakeContext({ settings: { storeUrl: origin } });
    const ref = { sourceOrderId: String(order.id), sourceOrderName: `#${order.id}`, sourceData: {} };
    const shipment = (id: string, lineId: number, quantity: number, number: string) => ({
      order: ref,
      shipment: {
        id,
        lines: [{ sourceLineId: String(lineId), sku: 'X', quantity }],
        tracking: { carrier: 'DHL', number, url: null },
      },
      previousExternalId: null,
    });
    await Promise.all([
      connector.writeTracking(context, shipment('s-1', order.line_items[0]!.id, 1, 'N1')),
      connector.writeTracking(context, shipment('s-2', order.line_items[1]!.id, 3, 'N2')),
    ]);
    expect(store.orders.get(order.id).status).toBe('completed');
    expect(store.notes.get(order.id)).toHaveLength(2);
  });
});
