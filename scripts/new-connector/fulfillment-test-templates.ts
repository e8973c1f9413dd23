/** The tests of a scaffolded 3PL connector: a fake 3PL behind nock, and the contract kit. */
import type { Names } from './names.ts';

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
