/**
 * The files of a scaffolded 3PL connector: its payloads and mapping, the contract's operations,
 * and a fake 3PL behind nock that the contract kit runs against.
 */
import type { Names } from './names.ts';

export function fulfillmentMappingFile(n: Names): string {
  return `/**
 * ${n.display}'s payloads, each schema beside the type it guarantees, and what they mean in canonical
 * terms. Write the schemas from ${n.display}'s documentation: a connector never sees the far side's code.
 */
import {
  type CanonicalEvent,
  definePayload,
  nonEmptyString,
  nullableString,
  type ShipmentRequest,
  type StockLevel,
  stockCount,
  timestamp,
} from '${n.sdk}/index.ts';

export interface ${n.pascal}Order {
  id: string;
  reference: string;
  status: 'accepted' | 'shipped' | 'delivered' | 'cancelled';
  updated_at: string;
  tracking: { carrier: string | null; number: string; url: string | null } | null;
}

const orderSchema = {
  type: 'object',
  required: ['id', 'reference', 'status', 'updated_at', 'tracking'],
  properties: {
    id: nonEmptyString,
    reference: nonEmptyString,
    status: { enum: ['accepted', 'shipped', 'delivered', 'cancelled'] },
    updated_at: timestamp,
    tracking: {
      type: ['object', 'null'],
      required: ['carrier', 'number', 'url'],
      properties: { carrier: nullableString, number: nonEmptyString, url: nullableString },
    },
  },
};

export const orderAnswer = definePayload<{ order: ${n.pascal}Order }>('order answer', {
  type: 'object',
  required: ['order'],
  properties: { order: orderSchema },
});

export const orderList = definePayload<{ orders: ${n.pascal}Order[] }>('order list', {
  type: 'object',
  required: ['orders'],
  properties: { orders: { type: 'array', items: orderSchema } },
});

export const stockAnswer = definePayload<{ location: string; levels: { sku: string; available: number }[] }>(
  'stock answer',
  {
    type: 'object',
    required: ['location', 'levels'],
    properties: {
      location: nonEmptyString,
      levels: {
        type: 'array',
        items: {
          type: 'object',
          required: ['sku', 'available'],
          properties: { sku: nonEmptyString, available: stockCount },
        },
      },
    },
  },
);

/** Our shipment id is ${n.display}'s reference: its idempotency key. */
export function createOrderBody(request: ShipmentRequest) {
  return {
    reference: request.reference,
    order_number: request.orderName,
    email: request.email,
    ship_to: request.shipTo,
    shipping_method: request.shippingMethod,
    lines: request.lines,
  };
}

export function shipmentUpdated(order: ${n.pascal}Order): CanonicalEvent {
  return {
    type: 'shipment.updated',
    reference: order.reference,
    externalId: order.id,
    status: order.status,
    tracking: order.tracking,
    reason: null,
    occurredAt: order.updated_at,
  };
}

export function stockLevels(answer: ReturnType<typeof stockAnswer.fromResponse>): StockLevel[] {
  return answer.levels.map((level) => ({ ...level, location: answer.location }));
}
`;
}

export function fulfillmentConnectorFile(n: Names): string {
  return `/**
 * The ${n.display} 3PL connector. Submitting is idempotent on our reference: a create refused as a
 * duplicate (409) is answered with the order an earlier attempt made, so a retry after a lost
 * answer binds that order and never makes a second one.
 */
import { type FulfillmentConnector, readJsonBody } from '${n.sdk}/index.ts';
import { ${n.camel}Api, unexpected } from './client.ts';
import { type ${n.pascal}Context, type ${n.pascal}Credentials, type ${n.pascal}Settings, manifest } from './manifest.ts';
import { createOrderBody, orderAnswer, orderList, shipmentUpdated, stockAnswer, stockLevels } from './mapping.ts';
import { readEnvelope, verify${n.pascal}Webhook } from './webhooks.ts';

const TOPICS = ['shipment.updated'] as const;
/** Records per poll request; a full page asks for the next one. */
export const PAGE_SIZE = 100;
const MAX_PAGES = 20;

async function findByReference(context: ${n.pascal}Context, reference: string) {
  const response = await ${n.camel}Api(context)({ method: 'GET', path: 'orders', query: { reference } });
  if (response.status !== 200) throw unexpected('GET /orders?reference', response, 'lookup_refused');
  const order = orderList.fromResponse(response.body, 'GET /orders').orders.find((o) => o.reference === reference);
  return order ? { externalId: order.id, status: 'accepted' as const } : null;
}

export const ${n.camel}: FulfillmentConnector<${n.pascal}Settings, ${n.pascal}Credentials> = {
  manifest,
  verifyWebhook: verify${n.pascal}Webhook,

  parseWebhook(request) {
    const { topic, eventId } = readEnvelope(request, TOPICS);
    const { order } = orderAnswer.fromWebhook(readJsonBody(request.rawBody));
    return { topic, dedupeKey: eventId, serialKey: \`shipment:\${order.reference}\` };
  },

  toEvents(delivery) {
    return [shipmentUpdated(orderAnswer.fromWebhook(readJsonBody(delivery.rawBody)).order)];
  },

  async submitShipment(context, request) {
    const response = await ${n.camel}Api(context)({ method: 'POST', path: 'orders', body: createOrderBody(request) });
    if (response.status === 201) {
      return { externalId: orderAnswer.fromResponse(response.body, 'POST /orders').order.id, status: 'accepted' };
    }
    if (response.status === 409) {
      const existing = await findByReference(context, request.reference);
      if (existing) return existing;
    }
    throw unexpected('POST /orders', response, '3pl_rejected');
  },

  findShipment: findByReference,

  async cancelShipment(context, shipment) {
    const path = \`orders/\${encodeURIComponent(shipment.externalId)}/cancel\`;
    const response = await ${n.camel}Api(context)({ method: 'POST', path });
    if (response.status === 200) return { outcome: 'cancelled', reason: null };
    // Too late (the parcel left): an answer for the hub to record, not an error.
    if (response.status === 409) return { outcome: 'refused', reason: 'already shipped' };
    throw unexpected('POST /orders/:id/cancel', response, 'cancel_rejected');
  },

  async fetchStock(context) {
    const response = await ${n.camel}Api(context)({ method: 'GET', path: 'stock' });
    if (response.status !== 200) throw unexpected('GET /stock', response, 'stock_refused');
    return stockLevels(stockAnswer.fromResponse(response.body, 'GET /stock'));
  },

  async pollSince(context, cursor) {
    const events = [];
    let since = cursor;
    for (let page = 0; page < MAX_PAGES; page++) {
      const response = await ${n.camel}Api(context)({
        method: 'GET',
        path: 'orders',
        query: { updated_since: since ?? undefined, limit: PAGE_SIZE },
      });
      if (response.status !== 200) throw unexpected('GET /orders', response, 'poll_refused');
      const { orders } = orderList.fromResponse(response.body, 'GET /orders');
      events.push(...orders.map(shipmentUpdated));
      // Oldest change first: the last record is the newest, and the cursor never moves back.
      since = orders.at(-1)?.updated_at ?? since;
      if (orders.length < PAGE_SIZE) break;
    }
    return { events, nextCursor: since === cursor ? null : since };
  },
};
`;
}

export function fulfillmentFakeFile(n: Names): string {
  return `/**
 * ${n.display} behind nock, with state: orders keyed by reference (a second create answers 409),
 * the change list oldest first, cancel (409 once shipped), and stock. It can refuse the next
 * request and lose a create's answer after storing the order, for the contract kit.
 */
import nock from 'nock';
import type { RemoteRefusal } from '../${n.sdk}/contract-kit.ts';
import { API, API_KEY } from './helpers.ts';

interface FakeOrder {
  id: string;
  reference: string;
  status: 'accepted' | 'shipped' | 'delivered' | 'cancelled';
  updated_at: string;
  tracking: { carrier: string | null; number: string; url: string | null } | null;
}

type Answer = [number, unknown, Record<string, string>?];

export function startFake${n.pascal}() {
  const orders: FakeOrder[] = [];
  const refusals: RemoteRefusal[] = [];
  let loseNextCreate = false;
  let clock = Date.parse('2026-01-01T00:00:00.000Z');
  // Unique and increasing, so paging by updated_at is lossless here.
  const tick = () => {
    clock += 1000;
    return new Date(clock).toISOString();
  };

  function create(reference: string): FakeOrder {
    const order: FakeOrder = {
      id: \`${n.name.toUpperCase()}-\${orders.length + 1}\`,
      reference,
      status: 'accepted',
      updated_at: tick(),
      tracking: null,
    };
    orders.push(order);
    return order;
  }

  function route(method: string, url: URL, body: { reference?: string } | null): Answer {
    const next = refusals.shift();
    if (next?.kind === 'rate_limited')
      return [429, { error: 'rate_limited' }, { 'retry-after': String(next.retryAfterSeconds) }];
    if (next?.kind === 'invalid') return [422, { error: 'invalid', message: 'ship_to.countryCode is not a country' }];
    const path = url.pathname;
    if (method === 'POST' && path === '/orders') {
      if (!body?.reference) return [422, { error: 'invalid', message: 'reference is required' }];
      if (orders.some((o) => o.reference === body.reference)) return [409, { error: 'duplicate_reference' }];
      const order = create(body.reference);
      if (loseNextCreate) {
        loseNextCreate = false;
        return [502, { error: 'bad_gateway' }];
      }
      return [201, { order }];
    }
    if (method === 'GET' && path === '/orders') {
      const reference = url.searchParams.get('reference');
      const since = url.searchParams.get('updated_since');
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const found = orders
        .filter((o) => reference === null || o.reference === reference)
        .filter((o) => since === null || Date.parse(o.updated_at) > Date.parse(since))
        .sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at));
      return [200, { orders: found.slice(0, limit) }];
    }
    const cancel = /^\\/orders\\/([^/]+)\\/cancel$/.exec(path);
    if (method === 'POST' && cancel) {
      const order = orders.find((o) => o.id === cancel[1]);
      if (!order) return [404, { error: 'not_found' }];
      if (order.status === 'shipped' || order.status === 'delivered') return [409, { error: 'already_shipped' }];
      Object.assign(order, { status: 'cancelled', updated_at: tick() });
      return [200, { order }];
    }
    if (method === 'GET' && path === '/stock') return [200, { location: 'WH-1', levels: [{ sku: 'MUG', available: 7 }] }];
    return [404, { error: 'not_found' }];
  }

  // nock 15 hands a reply function the fetch Request; its types still describe the older form.
  const answer = (async (request: Request) => {
    if (request.headers.get('authorization') !== \`Bearer \${API_KEY}\`) return [401, { error: 'unauthorized' }];
    const text = request.method === 'GET' ? '' : await request.text();
    return route(request.method, new URL(request.url), text ? JSON.parse(text) : null);
  }) as never;
  const scope = nock(API).persist().get(() => true).reply(answer).post(() => true).reply(answer);

  return {
    ordersByReference: (reference: string) => orders.filter((o) => o.reference === reference),
    refuseNext: (refusal: RemoteRefusal) => {
      refusals.push(refusal);
    },
    loseNextCreate: () => {
      loseNextCreate = true;
    },
    /** The warehouse ships an order: it shows up in the change list. */
    ship(reference: string) {
      const order = orders.find((o) => o.reference === reference);
      if (order) Object.assign(order, { status: 'shipped', updated_at: tick(), tracking: { carrier: 'DHL', number: \`JD\${order.id}\`, url: null } });
    },
    close: () => {
      scope.persist(false);
      nock.cleanAll();
    },
  };
}
`;
}

export function fulfillmentContractFile(n: Names): string {
  return `/** The SDK's contract kit, inbound and outbound, against the fake ${n.display}. */
import nock from 'nock';
import { afterAll, beforeAll } from 'vitest';
import { describeConnectorContract, describeFulfillmentOutbound } from '../${n.sdk}/contract-kit.ts';
import type { ShipmentRequest } from '../${n.sdk}/index.ts';
import { ${n.camel}, PAGE_SIZE } from '../connector.ts';
import { SIGNATURE_HEADER } from '../webhooks.ts';
import { startFake${n.pascal} } from './fake-${n.name}.ts';
import { ${n.camel}Context, signedDelivery } from './helpers.ts';

beforeAll(() => nock.disableNetConnect());
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describeConnectorContract(${n.camel}, () => ({
  context: ${n.camel}Context(),
  signatureHeader: SIGNATURE_HEADER,
  signed: signedDelivery('shipment.updated', {
    order: {
      id: '${n.name.toUpperCase()}-1',
      reference: 'shipment-1',
      status: 'shipped',
      updated_at: '2026-01-01T00:00:01.000Z',
      tracking: { carrier: 'DHL', number: 'JD0001', url: null },
    },
  }),
}));

describeFulfillmentOutbound(${n.camel}, {
  remote() {
    const fake = startFake${n.pascal}();
    let sequence = 0;
    const shipment = (): ShipmentRequest => {
      sequence += 1;
      return {
        reference: \`shipment-\${sequence}\`,
        orderName: \`#\${sequence}\`,
        email: null,
        shipTo: { name: 'Ada Lovelace', address1: '1 Main St', city: 'London', postalCode: 'N1', countryCode: 'GB' },
        shippingMethod: null,
        lines: [{ sku: 'MUG', name: 'Mug', quantity: 1 }],
      };
    };
    return {
      context: ${n.camel}Context(),
      shipment,
      severalPages: PAGE_SIZE + 1,
      remoteOrders: (reference) => fake.ordersByReference(reference).length,
      loseNextAnswer: () => fake.loseNextCreate(),
      refuseNext: (refusal) => fake.refuseNext(refusal),
      async addChanges(count) {
        const context = ${n.camel}Context();
        const references: string[] = [];
        for (let i = 0; i < count; i++) {
          const request = shipment();
          await ${n.camel}.submitShipment(context, request);
          fake.ship(request.reference);
          references.push(request.reference);
        }
        return references;
      },
      eventKey: (event) => (event.type === 'shipment.updated' ? event.reference : null),
      close: () => fake.close(),
    };
  },
});
`;
}
