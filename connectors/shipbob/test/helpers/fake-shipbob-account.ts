// biome-ignore-all lint/suspicious/noExplicitAny: ShipBob's JSON is handled loosely here, as the other fixtures are.
/**
 * A whole ShipBob account behind nock, for end-to-end tests of the hub: the PAT channel, the
 * webhook subscription (and its secret, to sign deliveries with), the fulfillment centres, the
 * inventory per centre, orders created and read back, the order lists reconciliation reads, and
 * the tracking-upload mark. A test ships an order in one or several shipments (ShipBob's own
 * split, one per fulfillment centre) and gets the signed `order.shipped` deliveries ShipBob would
 * send. Shapes follow the 2026-01 OpenAPI (`Orders.OrderViewModel`, `Orders.ShipmentViewModel`
 * with its `products[].inventory_items[]`, `Inventory.InventoryQuantityFcResponsePagedResponse`,
 * `Receiving.FulfillmentCenterViewModel`) and the fixtures in `../fixtures`.
 */
import nock from 'nock';
import { signStandardWebhook } from '../../../../src/sdk/index.ts';
import { API, CHANNEL, fixture, PAT, VERSION } from './shipbob-test-kit.ts';

/** What one ShipBob shipment holds when it leaves a centre. */
export interface ShippedParcel {
  /** A fulfillment centre id (`fulfillment-centers.json`: 156 Cicero, 178 Moreno Valley). */
  location: number;
  products: { sku: string; quantity: number }[];
  tracking: {
    carrier: string;
    carrier_service: string;
    tracking_number: string;
    tracking_url: string | null;
  };
}

export interface CreateOrderCall {
  body: any;
  authorization: string | null;
  channel: string | null;
}

export interface FakeShipBobAccount {
  /** Every `POST /order` received, in order, with the headers that identify the caller. */
  readonly creates: CreateOrderCall[];
  /** The subscription the connector made (`POST /webhook`): where to deliver, and the secret. */
  subscription(): { url: string; secret: string };
  /** Fulfillable quantity per SKU and fulfillment centre, as `GET /inventory-level/locations` reports it. */
  setStock(stock: Record<string, Record<number, number>>): void;
  orderByReference(reference: string): any | undefined;
  /**
   * ShipBob ships the order in these shipments (the first keeps the shipment id it was created
   * with) and sends one signed `order.shipped` per shipment; answers the hub's statuses.
   */
  ship(reference: string, parcels: ShippedParcel[]): Promise<number[]>;
  /** Calls answered, as `METHOD /path` (no version, no query), in order. */
  readonly calls: string[];
  close(): void;
}

const CENTERS = fixture<any[]>('fulfillment-centers.json');
const centerName = (id: number) => CENTERS.find((center) => center.id === id)?.name ?? `FC ${id}`;

export function startFakeShipBobAccount(): FakeShipBobAccount {
  const creates: CreateOrderCall[] = [];
  const calls: string[] = [];
  const orders = new Map<number, any>();
  let stock: Record<string, Record<number, number>> = {};
  let subscription: { id: string; url: string; secret: string; topics: string[] } | null = null;
  let nextOrderId = 310_000_001;
  let nextShipmentId = 410_000_001;
  let nextDelivery = 1;
  const template = fixture<any>('order-created.json');
  const stamp = () => new Date().toISOString();

  /** A ShipBob shipment's products: each a store product with the inventory items it ships. */
  const shipmentProducts = (products: { sku: string; quantity: number }[]) =>
    products.map((product, index) => ({
      id: 7000 + index,
      reference_id: product.sku,
      sku: product.sku,
      name: product.sku,
      inventory_items: [{ id: 8000 + index, name: product.sku, quantity: product.quantity }],
    }));

  function createOrder(body: any): any {
    const id = nextOrderId++;
    const at = stamp();
    const products = (body.products ?? []).map((p: any) => ({ sku: p.reference_id, quantity: p.quantity }));
    const order = {
      ...template,
      id,
      created_date: at,
      reference_id: body.reference_id,
      order_number: body.order_number,
      shipping_method: body.shipping_method,
      channel: { id: CHANNEL, name: template.channel.name },
      recipient: body.recipient,
      products: (body.products ?? []).map((p: any, index: number) => ({
        id: 7000 + index,
        reference_id: p.reference_id,
        sku: p.reference_id,
        quantity: p.quantity,
      })),
      status: 'Processing',
      shipments: [
        {
          ...template.shipments[0],
          id: nextShipmentId++,
          order_id: id,
          reference_id: body.reference_id,
          status: 'Processing',
          created_date: at,
          last_update_at: at,
          location: { id: 156, name: centerName(156) },
          tracking: null,
          is_tracking_uploaded: false,
          products: shipmentProducts(products),
        },
      ],
    };
    orders.set(id, order);
    return order;
  }

  const lastChange = (order: any) =>
    Math.max(
      Date.parse(order.created_date),
      ...order.shipments.map((s: any) => Date.parse(s.last_update_at)),
    );

  function list(query: URLSearchParams): any[] {
    let found = [...orders.values()];
    const references = query.get('ReferenceIds');
    if (references !== null) found = found.filter((o) => references.split(',').includes(o.reference_id));
    if (query.get('HasTracking') === 'true')
      found = found.filter((o) => o.shipments.some((s: any) => s.tracking && !s.is_tracking_uploaded));
    const since = query.get('LastUpdateStartDate');
    if (since !== null) found = found.filter((o) => lastChange(o) >= Date.parse(since));
    const limit = Number(query.get('Limit') ?? 50);
    const page = Number(query.get('Page') ?? 1);
    return found.sort((a, b) => a.id - b.id).slice((page - 1) * limit, page * limit);
  }

  function inventoryPage() {
    return {
      items: Object.entries(stock).map(([sku, byCenter], index) => ({
        inventory_id: 500 + index,
        name: sku,
        sku,
        locations: Object.entries(byCenter).map(([center, fulfillable]) => ({
          location_id: Number(center),
          name: centerName(Number(center)),
          on_hand_quantity: fulfillable,
          committed_quantity: 0,
          fulfillable_quantity: fulfillable,
          awaiting_quantity: 0,
          internal_transfer_quantity: 0,
        })),
      })),
      first: null,
      prev: null,
      next: null,
      last: null,
    };
  }

  function route(request: Request, body: any): nock.ReplyFnResult {
    const url = new URL(request.url);
    const path = url.pathname.slice(VERSION.length);
    const method = request.method;
    calls.push(`${method} ${path}`);
    if (request.headers.get('authorization') !== `Bearer ${PAT}`) return [401, { message: 'Unauthorized' }];
    if (method === 'GET' && path === '/channel') return [200, fixture('channels.json')];
    if (method === 'GET' && path === '/webhook') {
      const items = subscription
        ? [{ id: subscription.id, url: subscription.url, topics: subscription.topics, enabled: true }]
        : [];
      return [200, { items, next: null }];
    }
    if (method === 'POST' && path === '/webhook') {
      const made = { id: '12345', url: body.url, secret: body.secret, topics: body.topics };
      subscription = made;
      return [201, { ...fixture<Record<string, unknown>>('webhook-created.json'), ...made }];
    }
    if (method === 'GET' && path === '/fulfillment-center') return [200, CENTERS];
    if (method === 'GET' && path === '/inventory-level/locations') return [200, inventoryPage()];
    if (method === 'POST' && path === '/order') {
      creates.push({
        body,
        authorization: request.headers.get('authorization'),
        channel: request.headers.get('shipbob_channel_id'),
      });
      if ([...orders.values()].some((o) => o.reference_id === body.reference_id))
        return [422, { 'Order.ReferenceId': ['Duplicate reference ID'] }];
      return [201, createOrder(body)];
    }
    if (method === 'GET' && path === '/order') return [200, list(url.searchParams)];
    const one = /^\/order\/(\d+)$/.exec(path);
    if (method === 'GET' && one) {
      const order = orders.get(Number(one[1]));
      return order ? [200, order] : [404, { message: 'Order not found' }];
    }
    if (method === 'POST' && path === '/shipment:batchUpdateTrackingUpload') {
      const ids = new Set<number>(body.shipment_ids);
      for (const order of orders.values())
        for (const shipment of order.shipments)
          if (ids.has(shipment.id)) shipment.is_tracking_uploaded = true;
      return [200, { results: [...ids].map((shipmentId) => ({ shipmentId, isSuccess: true })) }];
    }
    return [404, { message: `the fake account has no ${method} ${path}` }];
  }

  // nock 15 hands a reply function the fetch Request.
  const answer = async (request: Request) => {
    const text = request.method === 'GET' || request.method === 'DELETE' ? '' : await request.text();
    return route(request, text ? JSON.parse(text) : null) as never;
  };
  const scope = nock(API)
    .persist()
    .get(() => true)
    .reply(answer)
    .post(() => true)
    .reply(answer)
    .delete(() => true)
    .reply(answer);

  const orderByReference = (reference: string) =>
    [...orders.values()].find((order) => order.reference_id === reference);

  async function deliver(topic: string, body: unknown): Promise<number> {
    if (!subscription) throw new Error('no webhook subscription to deliver to');
    const rawBody = JSON.stringify(body);
    const response = await fetch(subscription.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-webhook-topic': topic,
        ...signStandardWebhook(subscription.secret, {
          id: `msg_fake_account_${nextDelivery++}`,
          timestamp: new Date(),
          body: rawBody,
        }),
      },
      body: rawBody,
    });
    return response.status;
  }

  return {
    creates,
    calls,
    subscription: () => {
      if (!subscription) throw new Error('the connector made no webhook subscription');
      return { url: subscription.url, secret: subscription.secret };
    },
    setStock: (next) => {
      stock = next;
    },
    orderByReference,
    async ship(reference, parcels) {
      const order = orderByReference(reference);
      if (!order) throw new Error(`ShipBob has no order ${reference}`);
      const at = stamp();
      order.shipments = parcels.map((parcel, index) => ({
        ...template.shipments[0],
        id: index === 0 ? order.shipments[0].id : nextShipmentId++,
        order_id: order.id,
        reference_id: reference,
        status: 'Completed',
        created_date: order.created_date,
        last_update_at: at,
        last_tracking_update_at: at,
        actual_fulfillment_date: at,
        location: { id: parcel.location, name: centerName(parcel.location) },
        tracking: { ...parcel.tracking, bol: null, pro_number: null, scac: null, shipping_date: null },
        is_tracking_uploaded: false,
        products: shipmentProducts(parcel.products),
      }));
      order.status = 'Fulfilled';
      const statuses: number[] = [];
      for (const shipment of order.shipments) {
        statuses.push(
          await deliver('order.shipped', {
            event_time: at,
            order_id: order.id,
            shipment_id: shipment.id,
            reference_id: reference,
            status: 'Completed',
            tracking: {
              carrier: shipment.tracking.carrier,
              carrier_service: shipment.tracking.carrier_service,
              tracking_number: shipment.tracking.tracking_number,
              tracking_url: shipment.tracking.tracking_url,
            },
          }),
        );
      }
      return statuses;
    },
    close: () => {
      scope.persist(false);
      nock.cleanAll();
    },
  };
}
