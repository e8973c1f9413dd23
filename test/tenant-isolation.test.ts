/**
 * Tenant isolation on every admin API route, enumerated from the OpenAPI document so a new route
 * cannot escape it: with merchant B's API key, each route addressed with merchant A's ids answers
 * 404, and each list answers without a single one of A's ids. A route this test does not know
 * fails it until someone says here how to address it.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.ts';
import { createUser } from '../src/auth/users.ts';
import { startTestHub, TEST_API_TOKEN, type TestHub } from './helpers/test-hub.ts';

interface Rows {
  merchantId: string;
  connectionId: string;
  orderId: string;
  deliveryId: string;
  apiKeyId: string;
  userId: string;
}

/** A valid rule set (version 1 of each merchant's routing rules). */
const routingRules = { rules: [{ id: 'hold-all', action: { type: 'hold', reason: 'other' } }] };

/** One merchant's connection, order, delivery, SKU map entry, routing rules, API key and user. */
async function seedMerchant(hub: TestHub, name: string): Promise<Rows> {
  const db = hub.running.hub.db;
  const merchant = await db
    .insertInto('merchants')
    .values({ name })
    .returning('id')
    .executeTakeFirstOrThrow();
  const connection = await db
    .insertInto('connections')
    .values({
      merchant_id: merchant.id,
      connector: 'sandbox-storefront',
      role: 'storefront',
      external_account: `${name}-store`,
      settings: JSON.stringify({ baseUrl: 'http://127.0.0.1:9' }),
      credentials_encrypted: 'not-used-by-this-test',
      status: 'disabled',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const now = new Date();
  const order = await db
    .insertInto('orders')
    .values({
      merchant_id: merchant.id,
      storefront_connection_id: connection.id,
      source_order_id: `${name}-order-1`,
      source_order_name: `#${name}-1`,
      source_updated_at: now,
      status: 'on_hold',
      ready_to_fulfill: true,
      currency: 'EUR',
      total_minor: 1000,
      tags: JSON.stringify([]),
      test: true,
      placed_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const delivery = await db
    .insertInto('deliveries')
    .values({
      merchant_id: merchant.id,
      connection_id: connection.id,
      connector: 'sandbox-storefront',
      topic: 'order.created',
      headers: JSON.stringify({}),
      body: Buffer.from('{}'),
      body_size: 2,
      status: 'failed',
      http_status: 200,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const skuMap = await hub.running.app.inject({
    method: 'PUT',
    url: `/api/merchants/${merchant.id}/sku-map/skus/${name}-SKU`,
    headers: { authorization: `Bearer ${TEST_API_TOKEN}` },
    payload: { action: 'map', fulfillmentSku: `${name}-3PL-SKU` },
  });
  expect(skuMap.statusCode, skuMap.body).toBeLessThan(300);
  const ruleSet = await hub.running.app.inject({
    method: 'PUT',
    url: `/api/merchants/${merchant.id}/routing-rules`,
    headers: { authorization: `Bearer ${TEST_API_TOKEN}` },
    payload: routingRules,
  });
  expect(ruleSet.statusCode, ruleSet.body).toBe(200);
  const key = await createApiKey(db, { merchantId: merchant.id, name: `${name} key`, createdBy: null });
  const user = await createUser(db, {
    email: `${name}@example.test`,
    role: 'merchant_member',
    merchantId: merchant.id,
    password: 'a long enough password',
  });
  return {
    merchantId: merchant.id,
    connectionId: connection.id,
    orderId: order.id,
    deliveryId: delivery.id,
    apiKeyId: key.row.id,
    userId: user.id,
  };
}

/** What `{id}` names, by the collection it follows. */
const idOf: Record<string, (a: Rows) => string> = {
  orders: (a) => a.orderId,
  deliveries: (a) => a.deliveryId,
  connections: (a) => a.connectionId,
  keys: (a) => a.apiKeyId,
  users: (a) => a.userId,
};

/** The other path parameters. */
const paramOf: Record<string, (a: Rows) => string> = {
  merchantId: (a) => a.merchantId,
  connectionId: (a) => a.connectionId,
  sku: () => 'A-SKU',
  productId: () => '1001',
  variantId: () => '2001',
  version: () => '1',
};

/** A valid body for each route that takes one, naming merchant A where it names a merchant. */
const bodies: Record<string, (a: Rows) => unknown> = {
  'POST /api/orders/{id}/release': () => ({ excludeUnidentifiedLines: true }),
  'POST /api/orders/{id}/hold': () => ({ reason: 'fraud_review' }),
  'POST /api/connections': (a) => ({
    merchantId: a.merchantId,
    connector: 'sandbox-storefront',
    externalAccount: 'b-pretends-to-be-a',
    settings: { baseUrl: 'http://127.0.0.1:9' },
    credentials: { apiKey: 'x', webhookSecret: 'y' },
  }),
  'POST /api/merchants': () => ({ name: 'B makes a merchant' }),
  'POST /api/keys': (a) => ({ merchantId: a.merchantId, name: 'B asks for a key of A' }),
  'PUT /api/merchants/{merchantId}/line-policy': () => ({ unidentifiedLines: 'skip' }),
  'PUT /api/merchants/{merchantId}/routing-rules': () => routingRules,
  'POST /api/routing/simulate': (a) => ({ merchantId: a.merchantId, rules: routingRules }),
  'PUT /api/merchants/{merchantId}/sku-map/skus/{sku}': () => ({ action: 'map', fulfillmentSku: 'B' }),
  'PUT /api/merchants/{merchantId}/sku-map/connections/{connectionId}/products/{productId}': () => ({
    action: 'do_not_ship',
  }),
  'PUT /api/merchants/{merchantId}/sku-map/connections/{connectionId}/variants/{variantId}': () => ({
    action: 'do_not_ship',
  }),
};

/** Routes that address no existing row of any merchant, and what a merchant key gets from them. */
const notAddressing: Record<string, { status: number; why: string }> = {
  'POST /api/merchants': { status: 403, why: 'only the operator creates merchants' },
};

interface Operation {
  method: string;
  path: string;
  parameters: { in: string; name: string }[];
  takesBody: boolean;
}

describe('tenant isolation on every /api route of the OpenAPI document', () => {
  let hub: TestHub;
  let app: FastifyInstance;
  let a: Rows;
  let bKey: string;
  let operations: Operation[];

  beforeAll(async () => {
    hub = await startTestHub({ workers: false });
    app = hub.running.app;
    a = await seedMerchant(hub, 'a');
    const b = await seedMerchant(hub, 'b');
    bKey = (await createApiKey(hub.running.hub.db, { merchantId: b.merchantId, name: 'b', createdBy: null }))
      .key;
    const document = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    operations = Object.entries(document.paths as Record<string, Record<string, any>>)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({
          method: method.toUpperCase(),
          path,
          parameters: operation.parameters ?? [],
          takesBody: operation.requestBody !== undefined,
        })),
      );
  });
  afterAll(async () => {
    await hub?.stop();
  });

  /** The URL of an operation with A's ids in its path (and `merchantId=A` where it filters by one). */
  function urlFor(operation: Operation): string {
    const segments = operation.path.split('/');
    const path = segments
      .map((segment, index) => {
        const param = /^\{(\w+)\}$/.exec(segment)?.[1];
        if (!param) return segment;
        const pick = param === 'id' ? idOf[segments[index - 1] ?? ''] : paramOf[param];
        if (!pick) throw new Error(`${operation.method} ${operation.path}: say here what {${param}} is`);
        return encodeURIComponent(pick(a));
      })
      .join('/');
    const filtersByMerchant = operation.parameters.some((p) => p.in === 'query' && p.name === 'merchantId');
    return filtersByMerchant ? `${path}?merchantId=${a.merchantId}` : path;
  }

  it('finds the admin API in the document, with the key routes among it', () => {
    const names = operations.map((o) => `${o.method} ${o.path}`);
    expect(names.length).toBeGreaterThan(20);
    for (const name of ['GET /api/orders/{id}', 'POST /api/keys', 'DELETE /api/keys/{id}'])
      expect(names).toContain(name);
  });

  it("answers merchant B's key 404 on every route addressed with merchant A's ids, and lists none of them", async () => {
    const aIds = Object.values(a);
    const failures: string[] = [];
    for (const operation of operations) {
      const name = `${operation.method} ${operation.path}`;
      const body = bodies[name];
      if (operation.takesBody && !body) throw new Error(`${name}: give it a valid body in \`bodies\``);
      const response = await app.inject({
        method: operation.method as 'GET',
        url: urlFor(operation),
        headers: { authorization: `Bearer ${bKey}` },
        ...(body ? { payload: body(a) as object } : {}),
      });
      const isList = operation.method === 'GET' && !operation.path.includes('{');
      const special = notAddressing[name];
      if (special) {
        if (response.statusCode !== special.status)
          failures.push(`${name}: ${response.statusCode} (expected ${special.status}: ${special.why})`);
      } else if (isList) {
        if (response.statusCode !== 200) failures.push(`${name}: ${response.statusCode}, expected a list`);
        const leaked = aIds.filter((id) => response.body.includes(id));
        if (leaked.length > 0) failures.push(`${name}: lists A's ${leaked.join(', ')}`);
      } else if (response.statusCode !== 404) {
        failures.push(`${name}: ${response.statusCode} ${response.body.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("addresses real rows: the operator finds A's rows on every read route B was refused", async () => {
    const failures: string[] = [];
    for (const operation of operations.filter((o) => o.method === 'GET')) {
      const url = urlFor(operation);
      const response = await app.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${TEST_API_TOKEN}` },
      });
      if (response.statusCode !== 200) failures.push(`GET ${url}: ${response.statusCode}`);
      const isList = !operation.path.includes('{');
      // A list filtered by A, or every merchant's list, shows A's rows to the operator.
      if (
        isList &&
        operation.path !== '/api/privacy-requests' &&
        !Object.values(a).some((id) => response.body.includes(id))
      )
        failures.push(`GET ${url}: none of A's rows for the operator either; the check above proves nothing`);
    }
    expect(failures).toEqual([]);
  });
});
