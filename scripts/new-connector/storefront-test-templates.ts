/** The tests of a scaffolded storefront connector: a fake storefront behind nock, and the kit. */
import type { Names } from './names.ts';

export function storefrontFakeFile(n: Names): string {
  return `/**
 * ${n.display} behind nock, with state: orders listed oldest change first, fulfillments keyed by
 * our reference (a repeat answers 200 with the same one), and inventory. It can refuse the next
 * request (a 429) or the next write (a validation answer), for the contract kit.
 */
import nock from 'nock';
import type { RemoteRefusal } from '../${n.sdk}/contract-kit.ts';
import { API, API_KEY } from './helpers.ts';

interface FakeOrder {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
  currency: string;
  total: string;
  email: string | null;
  shipping_address: { name: string; address1: string; city: string; zip: string | null; country_code: string };
  lines: { id: string; sku: string | null; name: string; quantity: number; price: string }[];
  paid: boolean;
  cancelled: boolean;
}

type Answer = [number, unknown, Record<string, string>?];

export function startFake${n.pascal}() {
  const orders: FakeOrder[] = [];
  const fulfillments = new Map<string, { id: string; orderId: string }>();
  const refusals: RemoteRefusal[] = [];
  let clock = Date.parse('2026-01-01T00:00:00.000Z');
  // Unique and increasing, so paging by updated_at is lossless here.
  const tick = () => {
    clock += 1000;
    return new Date(clock).toISOString();
  };

  function placeOrder(): FakeOrder {
    const at = tick();
    const id = String(1000 + orders.length + 1);
    const order: FakeOrder = {
      id,
      name: \`#\${id}\`,
      created_at: at,
      updated_at: at,
      currency: 'EUR',
      total: '25.00',
      email: 'ada@example.com',
      shipping_address: { name: 'Ada Lovelace', address1: '1 Main St', city: 'London', zip: 'N1', country_code: 'GB' },
      lines: [{ id: \`\${id}-1\`, sku: 'MUG', name: 'Mug', quantity: 2, price: '12.50' }],
      paid: true,
      cancelled: false,
    };
    orders.push(order);
    return order;
  }

  function route(method: string, url: URL, body: { reference?: string; levels?: unknown[] } | null): Answer {
    const next = refusals[0];
    if (next?.kind === 'rate_limited') {
      refusals.shift();
      return [429, { error: 'rate_limited' }, { 'retry-after': String(next.retryAfterSeconds) }];
    }
    if (next?.kind === 'invalid' && method !== 'GET') {
      refusals.shift();
      return [422, { error: 'invalid', message: 'tracking.number is too long' }];
    }
    const path = url.pathname;
    if (method === 'GET' && path === '/orders') {
      const since = url.searchParams.get('updated_since');
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const found = orders
        .filter((o) => since === null || Date.parse(o.updated_at) > Date.parse(since))
        .sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at));
      return [200, { orders: found.slice(0, limit) }];
    }
    const fulfil = /^\\/orders\\/([^/]+)\\/fulfillments$/.exec(path);
    if (method === 'POST' && fulfil) {
      const order = orders.find((o) => o.id === fulfil[1]);
      if (!order) return [404, { error: 'not_found' }];
      if (!body?.reference) return [422, { error: 'invalid', message: 'reference is required' }];
      const existing = fulfillments.get(body.reference);
      if (existing) return [200, { fulfillment: existing }];
      const fulfillment = { id: \`F-\${fulfillments.size + 1}\`, orderId: order.id };
      fulfillments.set(body.reference, fulfillment);
      order.updated_at = tick();
      return [201, { fulfillment }];
    }
    if (method === 'POST' && path === '/inventory') return [200, { failed: [] }];
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
    placeOrder,
    fulfillments,
    refuseNext: (refusal: RemoteRefusal) => {
      refusals.push(refusal);
    },
    close: () => {
      scope.persist(false);
      nock.cleanAll();
    },
  };
}
`;
}

export function storefrontContractFile(n: Names): string {
  return `/** The SDK's contract kit, inbound and outbound, against the fake ${n.display}. */
import nock from 'nock';
import { afterAll, beforeAll } from 'vitest';
import { describeConnectorContract, describeStorefrontOutbound } from '../${n.sdk}/contract-kit.ts';
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
  signed: signedDelivery('order.created', {
    id: '1001',
    name: '#1001',
    created_at: '2026-01-01T00:00:01.000Z',
    updated_at: '2026-01-01T00:00:01.000Z',
    currency: 'EUR',
    total: '25.00',
    email: 'ada@example.com',
    shipping_address: { name: 'Ada Lovelace', address1: '1 Main St', city: 'London', zip: 'N1', country_code: 'GB' },
    lines: [{ id: '1001-1', sku: 'MUG', name: 'Mug', quantity: 2, price: '12.50' }],
    paid: true,
    cancelled: false,
  }),
}));

describeStorefrontOutbound(${n.camel}, {
  remote() {
    const fake = startFake${n.pascal}();
    return {
      context: ${n.camel}Context(),
      severalPages: PAGE_SIZE + 1,
      trackingWrite() {
        const order = fake.placeOrder();
        return {
          order: { sourceOrderId: order.id, sourceOrderName: order.name, sourceData: {} },
          shipment: {
            id: \`shipment-\${order.id}\`,
            lines: order.lines.map((line) => ({ sourceLineId: line.id, sku: line.sku ?? '', quantity: line.quantity })),
            tracking: { carrier: 'DHL', number: \`JD\${order.id}\`, url: null },
          },
        };
      },
      refuseNext: (refusal) => fake.refuseNext(refusal),
      addChanges: (count) => Array.from({ length: count }, () => fake.placeOrder().id),
      eventKey: (event) => (event.type === 'order.upserted' ? event.order.sourceOrderId : null),
      close: () => fake.close(),
    };
  },
});
`;
}
