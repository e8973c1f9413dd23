// biome-ignore-all lint/suspicious/noExplicitAny: ShipBob's JSON is handled loosely here, as the other fixtures are.
/**
 * A ShipBob account behind nock, with state, for the SDK's outbound contract: orders keyed by
 * `reference_id` (a second create answers 422, as ShipBob does), the reference and change
 * queries with `Limit`/`Page`, cancel with an answer per shipment, and the tracking-upload mark.
 * It answers the next request with a canned refusal when asked, and can lose a create's answer
 * after storing the order. Only what the connector relies on is modelled.
 */
import nock from 'nock';
import type { RemoteRefusal } from '../../../../src/sdk/contract-kit.ts';
import { API, CHANNEL, fixture, VERSION } from './shipbob-test-kit.ts';

export interface FakeShipBob {
  ordersByReference(reference: string): any[];
  refuseNext(refusal: RemoteRefusal): void;
  loseNextCreate(): void;
  /** Adds an order that has shipped with tracking not yet uploaded; returns its reference. */
  addShippedOrder(reference: string): void;
  close(): void;
}

export function startFakeShipBob(): FakeShipBob {
  const orders = new Map<number, any>();
  let nextOrderId = 300_000_001;
  let nextShipmentId = 400_000_001;
  let clock = Date.parse('2026-11-26T10:00:00.000Z');
  const refusals: RemoteRefusal[] = [];
  let loseCreate = false;
  const template = fixture<any>('order-created.json');
  const tick = () => {
    clock += 1000;
    return new Date(clock).toISOString();
  };

  function createOrder(body: any, shipped = false): any {
    const at = tick();
    const id = nextOrderId++;
    const shipment = {
      ...template.shipments[0],
      id: nextShipmentId++,
      order_id: id,
      reference_id: body.reference_id,
      status: shipped ? 'Completed' : 'Processing',
      created_date: at,
      last_update_at: at,
      tracking: shipped
        ? { carrier: 'USPS', carrier_service: 'Ground', tracking_number: `9261${id}`, tracking_url: null }
        : null,
      is_tracking_uploaded: false,
    };
    const order = {
      ...template,
      id,
      created_date: at,
      reference_id: body.reference_id,
      order_number: body.order_number,
      channel: { id: CHANNEL, name: 'PAT' },
      shipments: [shipment],
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

  function refusal(next: RemoteRefusal): nock.ReplyFnResult {
    if (next.kind === 'rate_limited') {
      return [
        429,
        { statusCode: 429, message: 'Rate limit is exceeded.' },
        { 'x-retry-after': String(next.retryAfterSeconds) },
      ];
    }
    return [422, fixture('error-422-validation.json')];
  }

  function route(method: string, uri: string, body: any): nock.ReplyFnResult {
    const url = new URL(uri, API);
    const path = url.pathname.slice(VERSION.length);
    const next = refusals.shift();
    if (next) return refusal(next);
    if (method === 'POST' && path === '/order') {
      if ([...orders.values()].some((o) => o.reference_id === body.reference_id))
        return [422, { 'Order.ReferenceId': ['Duplicate reference ID'] }];
      const order = createOrder(body);
      if (loseCreate) {
        loseCreate = false;
        // Stored, and then the answer is lost on the way (a gateway timing out).
        return [504, 'Gateway Timeout'];
      }
      return [201, order];
    }
    if (method === 'GET' && path === '/order') return [200, list(url.searchParams)];
    const cancel = /^\/order\/(\d+):cancel$/.exec(path);
    if (method === 'POST' && cancel) {
      const order = orders.get(Number(cancel[1]));
      if (!order) return [404, { message: 'not found' }];
      const at = tick();
      for (const shipment of order.shipments)
        Object.assign(shipment, { status: 'Cancelled', last_update_at: at });
      order.status = 'Cancelled';
      return [
        200,
        {
          order_id: order.id,
          status: 'Success',
          canceled_shipment_results: order.shipments.map((s: any) => ({
            shipment_id: s.id,
            action: 'Cancel',
            is_success: true,
            reason: null,
          })),
        },
      ];
    }
    if (method === 'POST' && path === '/shipment:batchUpdateTrackingUpload') {
      const ids = new Set<number>(body.shipment_ids);
      for (const order of orders.values())
        for (const shipment of order.shipments)
          if (ids.has(shipment.id)) shipment.is_tracking_uploaded = true;
      return [200, { results: [...ids].map((shipmentId) => ({ shipmentId, isSuccess: true })) }];
    }
    return [404, { message: `the fake has no ${method} ${path}` }];
  }

  // nock 15 hands a reply function the fetch Request.
  const answer = async (request: Request) => {
    const text = request.method === 'GET' ? '' : await request.text();
    return route(request.method, request.url, text ? JSON.parse(text) : null) as never;
  };
  const scope = nock(API)
    .persist()
    .get(() => true)
    .reply(answer)
    .post(() => true)
    .reply(answer);

  return {
    ordersByReference: (reference) => [...orders.values()].filter((o) => o.reference_id === reference),
    refuseNext: (next) => {
      refusals.push(next);
    },
    loseNextCreate: () => {
      loseCreate = true;
    },
    addShippedOrder: (reference) => {
      createOrder({ reference_id: reference, order_number: reference }, true);
    },
    close: () => {
      scope.persist(false);
      nock.cleanAll();
    },
  };
}
