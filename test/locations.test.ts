/**
 * A 3PL connection's locations over HTTP: the sandbox 3PL with two warehouses lists them when it
 * is connected, stock arrives per warehouse, what the hub routed there and the 3PL has not
 * allocated is taken off what is available to promise, a stock count for a location never listed
 * still shows, and another merchant's connection is not found.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twoLocations } from '../sandbox/index.ts';
import { adminApiRoutes } from '../src/app.ts';
import { errorHandler } from '../src/http/errors.ts';
import type { MerchantScope } from '../src/http/scope.ts';
import { storeStockLevels } from '../src/pipeline/apply/apply-stock.ts';
import { startTestHub, type TestHub, waitFor, waitForOrderStatus } from './helpers/test-hub.ts';

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

interface LocationView {
  id: string;
  name: string | null;
  address: { countryCode: string | null; region: string | null; postalCode: string | null };
  coordinates: { latitude: number; longitude: number } | null;
  stock: {
    sku: string;
    available: number;
    routed: number;
    availableToPromise: number;
    asOf: string | null;
  }[];
}

describe('a 3PL connection’s locations', () => {
  let hub: TestHub;
  const locationsOf = async (): Promise<LocationView[]> => {
    const { status, body } = await hub.api<{ locations: LocationView[] }>(
      'GET',
      `/api/connections/${hub.threePlConnectionId}`,
    );
    expect(status).toBe(200);
    return body.locations;
  };
  const stockAt = (locations: LocationView[], id: string, sku: string) =>
    locations.find((l) => l.id === id)?.stock.find((s) => s.sku === sku);

  beforeAll(async () => {
    hub = await startTestHub({ threePl: { locations: twoLocations(), shipDelayMs: 0 } });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('lists both warehouses with their address once the 3PL is connected', async () => {
    const locations = await locationsOf();
    expect(locations.map((l) => l.id)).toEqual(['SBX-EU-1', 'SBX-US-1']);
    expect(locations[0]).toMatchObject({
      name: 'Sandbox Berlin',
      address: { countryCode: 'DE', region: 'BE', postalCode: '10115' },
      coordinates: { latitude: 52.532, longitude: 13.384 },
    });
    expect(locations[1]).toMatchObject({
      address: { countryCode: 'US' },
      coordinates: { longitude: -82.999 },
    });
  });

  it('keeps each warehouse’s own stock', async () => {
    hub.threePl.setStock('SBX-MUG', 7, 'SBX-US-1');
    hub.threePl.setStock('SBX-MUG', 30, 'SBX-EU-1');
    const locations = await waitFor(async () => {
      const now = await locationsOf();
      return stockAt(now, 'SBX-US-1', 'SBX-MUG')?.available === 7 &&
        stockAt(now, 'SBX-EU-1', 'SBX-MUG')?.available === 30
        ? now
        : undefined;
    }, 'per-location stock');
    expect(stockAt(locations, 'SBX-US-1', 'SBX-MUG')).toMatchObject({ routed: 0, availableToPromise: 7 });
    // The simulator keeps them apart too.
    expect(hub.threePl.stock('SBX-US-1')['SBX-MUG']).toBe(7);
    expect(hub.threePl.stock('SBX-EU-1')['SBX-MUG']).toBe(30);
  });

  it('takes what is routed to a warehouse and not yet allocated off what it can promise', async () => {
    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 3 }] });
    await waitForOrderStatus(hub, placed.id, 'accepted');
    const db = hub.running.hub.db;
    const shipment = await db
      .selectFrom('shipments')
      .innerJoin('orders', 'orders.id', 'shipments.order_id')
      .select('shipments.id')
      .where('orders.source_order_id', '=', placed.id)
      .executeTakeFirstOrThrow();
    // Routed to the US warehouse and not yet accepted there (the routing engine's case).
    await db
      .updateTable('shipments')
      .set({ location: 'SBX-US-1', status: 'submitted' })
      .where('id', '=', shipment.id)
      .execute();
    let mug = stockAt(await locationsOf(), 'SBX-US-1', 'SBX-MUG');
    expect(mug).toMatchObject({ routed: 3, availableToPromise: mug ? mug.available - 3 : Number.NaN });
    expect(stockAt(await locationsOf(), 'SBX-EU-1', 'SBX-MUG')?.routed).toBe(0);
    // Once the 3PL accepted it, its own count leaves the units out: nothing is taken off twice.
    await db.updateTable('shipments').set({ status: 'accepted' }).where('id', '=', shipment.id).execute();
    mug = stockAt(await locationsOf(), 'SBX-US-1', 'SBX-MUG');
    expect(mug).toMatchObject({ routed: 0, availableToPromise: mug?.available });
  });

  it('shows a location it only knows from a stock count, with no address', async () => {
    const connection = { id: hub.threePlConnectionId, merchant_id: hub.merchantId };
    await storeStockLevels(
      hub.running.hub,
      connection,
      [{ sku: 'SBX-CAP', location: 'SBX-UNLISTED', available: 4 }],
      new Date().toISOString(),
    );
    const unlisted = (await locationsOf()).find((l) => l.id === 'SBX-UNLISTED');
    expect(unlisted).toEqual({
      id: 'SBX-UNLISTED',
      name: null,
      address: { countryCode: null, region: null, postalCode: null },
      coordinates: null,
      stock: [expect.objectContaining({ sku: 'SBX-CAP', available: 4, routed: 0, availableToPromise: 4 })],
    });
  });

  it('is not found for another merchant, and absent on a storefront connection', async () => {
    const other = await hub.running.hub.db
      .insertInto('merchants')
      .values({ name: 'Another merchant' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const asOther = await apiAs(hub, { kind: 'merchant', merchantId: other.id });
    const asMine = await apiAs(hub, { kind: 'merchant', merchantId: hub.merchantId });
    try {
      const theirs = await asOther.inject({
        method: 'GET',
        url: `/api/connections/${hub.threePlConnectionId}`,
      });
      expect(theirs.statusCode).toBe(404);
      const mine = await asMine.inject({ method: 'GET', url: `/api/connections/${hub.threePlConnectionId}` });
      expect(mine.statusCode).toBe(200);
      expect(mine.json().locations.map((l: LocationView) => l.id)).toContain('SBX-EU-1');
    } finally {
      await asOther.close();
      await asMine.close();
    }
    const storefront = await hub.api('GET', `/api/connections/${hub.storefrontConnectionId}`);
    expect(storefront.body).not.toHaveProperty('locations');
  });
});
