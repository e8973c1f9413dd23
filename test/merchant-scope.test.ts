/**
 * A merchant scope sees its own rows only: another merchant's order, delivery and connection are
 * not found (404, as if they did not exist), and lists hold only its own rows. Until merchant
 * members and API keys exist, only a test can give a request a merchant scope: it serves the admin
 * API behind a tiny hook that sets `request.scope`, where the hub puts the bearer-token check.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminApiRoutes } from '../src/app.ts';
import { errorHandler } from '../src/http/errors.ts';
import type { MerchantScope } from '../src/http/scope.ts';
import { startTestHub, type TestHub } from './helpers/test-hub.ts';

interface Rows {
  merchantId: string;
  connectionId: string;
  orderId: string;
  deliveryId: string;
}

/** One merchant's storefront connection, order and delivery, written as the pipeline would. */
async function seedMerchant(hub: TestHub, name: string, connectionId?: string): Promise<Rows> {
  const db = hub.running.hub.db;
  const merchant =
    connectionId === undefined
      ? await db.insertInto('merchants').values({ name }).returning('id').executeTakeFirstOrThrow()
      : { id: hub.merchantId };
  const connection = connectionId
    ? { id: connectionId }
    : await db
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
      status: 'received',
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
      status: 'processed',
      http_status: 200,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { merchantId: merchant.id, connectionId: connection.id, orderId: order.id, deliveryId: delivery.id };
}

/** The admin API with the given scope on every request, as the authentication hook would set it. */
async function apiAs(hub: TestHub, scope: MerchantScope): Promise<FastifyInstance> {
  const app = Fastify({ ajv: { customOptions: { coerceTypes: 'array', useDefaults: true } } });
  app.setErrorHandler(errorHandler);
  await app.register(async (api) => {
    api.addHook('onRequest', async (request) => {
      request.scope = scope;
    });
    await api.register(adminApiRoutes, { hub: hub.running.hub, publicUrl: () => hub.running.url });
  });
  await app.ready();
  return app;
}

describe('a merchant scope', () => {
  let hub: TestHub;
  let mine: Rows;
  let theirs: Rows;
  let asMine: FastifyInstance;
  let asOperator: FastifyInstance;
  const get = async (app: FastifyInstance, url: string) => {
    const response = await app.inject({ method: 'GET', url });
    return { status: response.statusCode, body: response.json() };
  };

  beforeAll(async () => {
    hub = await startTestHub({ workers: false });
    mine = await seedMerchant(hub, 'mine', hub.storefrontConnectionId);
    theirs = await seedMerchant(hub, 'theirs');
    asMine = await apiAs(hub, { kind: 'merchant', merchantId: mine.merchantId });
    asOperator = await apiAs(hub, { kind: 'operator' });
  });
  afterAll(async () => {
    await asMine?.close();
    await asOperator?.close();
    await hub?.stop();
  });

  it("gets 404 for another merchant's order, delivery and connection", async () => {
    for (const url of [
      `/api/orders/${theirs.orderId}`,
      `/api/deliveries/${theirs.deliveryId}`,
      `/api/connections/${theirs.connectionId}`,
    ]) {
      const answer = await get(asMine, url);
      expect(answer.status, url).toBe(404);
      expect(answer.body.error, url).toBe('not_found');
    }
    const retry = await asMine.inject({ method: 'POST', url: `/api/orders/${theirs.orderId}/retry` });
    expect(retry.statusCode).toBe(404);
    const replay = await asMine.inject({
      method: 'POST',
      url: `/api/deliveries/${theirs.deliveryId}/replay`,
    });
    expect(replay.statusCode).toBe(404);
    const skuMap = await get(asMine, `/api/merchants/${theirs.merchantId}/sku-map`);
    expect(skuMap.status).toBe(404);
  });

  it('finds its own order, delivery and connection', async () => {
    expect((await get(asMine, `/api/orders/${mine.orderId}`)).status).toBe(200);
    expect((await get(asMine, `/api/deliveries/${mine.deliveryId}`)).status).toBe(200);
    expect((await get(asMine, `/api/connections/${mine.connectionId}`)).status).toBe(200);
  });

  it('lists only its own rows, even when it asks for another merchant', async () => {
    const orders = await get(asMine, '/api/orders?limit=200');
    expect(orders.body.items.map((o: any) => o.id)).toEqual([mine.orderId]);
    const deliveries = await get(asMine, '/api/deliveries?limit=200');
    expect(deliveries.body.items.map((d: any) => d.id)).toEqual([mine.deliveryId]);
    const connections = await get(asMine, '/api/connections');
    expect(new Set(connections.body.items.map((c: any) => c.merchantId))).toEqual(new Set([mine.merchantId]));
    expect(connections.body.items.map((c: any) => c.id)).toContain(mine.connectionId);
    const merchants = await get(asMine, '/api/merchants');
    expect(merchants.body.items.map((m: any) => m.id)).toEqual([mine.merchantId]);

    expect((await get(asMine, `/api/orders?merchantId=${theirs.merchantId}`)).body.items).toEqual([]);
    expect((await get(asMine, `/api/connections?merchantId=${theirs.merchantId}`)).body.items).toEqual([]);
  });

  it('leaves the operator seeing every merchant', async () => {
    const orders = await get(asOperator, '/api/orders?limit=200');
    expect(orders.body.items.map((o: any) => o.id).sort()).toEqual([mine.orderId, theirs.orderId].sort());
    expect((await get(asOperator, `/api/orders/${theirs.orderId}`)).status).toBe(200);
    expect((await get(asOperator, `/api/connections/${theirs.connectionId}`)).status).toBe(200);
  });
});
