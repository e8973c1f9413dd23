/**
 * The ports every outbound call goes through, on the real database: a call is recorded in
 * `outbound_calls` with what it was about and how it went, measured, and run in its connection's
 * rate-limit queue; a connection of the wrong role is refused before anything is called; a call
 * log that cannot be written does not fail the call.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubDatabase, openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { createMetrics, type Metrics } from '../src/metrics.ts';
import { ConnectionStore } from '../src/pipeline/connection-store.ts';
import { portOf } from '../src/pipeline/ports/connection-port.ts';
import { ConnectionRoleError } from '../src/pipeline/ports/connection-role.ts';
import { fulfillmentPort } from '../src/pipeline/ports/fulfillment-port.ts';
import { deleteExpiredOutboundCalls } from '../src/pipeline/ports/outbound-call-log.ts';
import type { PortDeps } from '../src/pipeline/ports/port-call.ts';
import { storefrontPort } from '../src/pipeline/ports/storefront-port.ts';
import { createRegistry } from '../src/pipeline/registry.ts';
import type {
  ConnectorManifest,
  FulfillmentConnector,
  ShipmentRequest,
  StorefrontConnector,
} from '../src/sdk/contracts.ts';
import { RetryableError } from '../src/sdk/errors.ts';
import { createHttpClient } from '../src/sdk/http-client.ts';
import { createSecretBox } from '../src/secrets.ts';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.ts';

const manifest = {
  settingsSchema: {},
  credentialsSchema: {},
  // One call at a time, as a strict remote API would allow.
  rateLimit: { concurrency: 1, intervalMs: 1_000, intervalCap: 100 },
} satisfies Partial<ConnectorManifest>;

const inbound = {
  verifyWebhook: () => ({ ok: true as const }),
  parseWebhook: () => ({ topic: 'none', dedupeKey: 'none', serialKey: null }),
  toEvents: () => [],
  pollSince: async () => ({ events: [], nextCursor: null }),
};

/** Calls in flight, to see whether any two overlapped. */
const spans: { start: number; end: number }[] = [];

/** A 3PL whose API is a local server answering 429 with Retry-After for the reference `limited`. */
function fakeThreePl(baseUrl: () => string): FulfillmentConnector {
  return {
    ...inbound,
    manifest: { ...manifest, name: 'fake-3pl', displayName: 'Fake 3PL', role: 'fulfillment' },
    async submitShipment(_context, request) {
      const start = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 40));
      spans.push({ start, end: performance.now() });
      const response = await createHttpClient({ baseUrl: baseUrl() })({
        method: 'POST',
        path: `/orders/${request.reference}`,
      });
      return {
        externalId: `remote-${request.reference}`,
        status: 'accepted',
        data: { code: response.status },
      };
    },
    findShipment: async () => null,
    cancelShipment: async () => ({ outcome: 'cancelled', reason: null }),
    fetchStock: async () => [],
  };
}

const fakeShop: StorefrontConnector = {
  ...inbound,
  manifest: { ...manifest, name: 'fake-shop', displayName: 'Fake shop', role: 'storefront' },
  writeTracking: async (_context, input) => ({ externalId: `fulfillment-${input.shipment.id}` }),
  publishStock: async () => ({ failed: [] }),
};

describe('ports', () => {
  let database: TestDatabase;
  let hubDb: HubDatabase;
  let metrics: Metrics;
  let connections: ConnectionStore;
  let deps: PortDeps;
  let remote: Server;
  let merchantId: string;
  let threePlId: string;
  let shopId: string;
  const orderId = '6f0d1c2e-1111-4a4a-8888-000000000001';

  const request = (reference: string): ShipmentRequest => ({
    reference,
    orderName: '#1001',
    email: null,
    shipTo: { name: 'A', address1: '1 Main St', city: 'Town', postalCode: '12345', countryCode: 'US' },
    shippingMethod: null,
    lines: [{ sku: 'SKU-1', name: 'Thing', quantity: 1 }],
  });

  const callsOf = (shipmentId: string) =>
    hubDb.db.selectFrom('outbound_calls').selectAll().where('shipment_id', '=', shipmentId).execute();

  beforeAll(async () => {
    remote = createServer((req, res) => {
      if (req.url?.endsWith('/00000000-0000-4000-8000-00000000429a')) {
        res.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' });
        res.end('{"error":"slow down, customer jane@example.com"}');
        return;
      }
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end('{}');
    });
    remote.listen(0, '127.0.0.1');
    await once(remote, 'listening');
    const baseUrl = `http://127.0.0.1:${(remote.address() as AddressInfo).port}`;

    database = await createTestDatabase();
    hubDb = await openDatabase({ databaseUrl: database.databaseUrl ?? undefined, dataDir: database.dataDir });
    await migrateToLatest(hubDb.db);
    metrics = createMetrics(hubDb.db);
    const log = pino({ level: 'silent' });
    const secrets = createSecretBox(Buffer.alloc(32, 3).toString('base64'));
    connections = new ConnectionStore(
      hubDb.db,
      createRegistry([fakeThreePl(() => baseUrl), fakeShop]),
      secrets,
      log,
      metrics,
    );
    deps = { db: hubDb.db, connections, metrics, log };
    const merchant = await hubDb.db
      .insertInto('merchants')
      .values({ name: 'Ports', default_fulfillment_connection_id: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    merchantId = merchant.id;
    const connection = (connector: string, role: 'storefront' | 'fulfillment') =>
      hubDb.db
        .insertInto('connections')
        .values({
          merchant_id: merchantId,
          connector,
          role,
          external_account: `${connector}-account`,
          settings: {},
          credentials_encrypted: secrets.seal('{}'),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    threePlId = (await connection('fake-3pl', 'fulfillment')).id;
    shopId = (await connection('fake-shop', 'storefront')).id;
  });

  afterAll(async () => {
    await hubDb?.close();
    await database?.drop();
    remote?.close();
  });

  it('records a call with what it was about, how it went and how long it took, and measures it', async () => {
    const port = fulfillmentPort(deps, (await connections.get(threePlId))!);
    const shipmentId = '00000000-0000-4000-8000-0000000000a1';
    const submitted = await port.submitShipment(request(shipmentId), { orderId });
    expect(submitted).toMatchObject({ externalId: `remote-${shipmentId}`, status: 'accepted' });
    const rows = await callsOf(shipmentId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      merchant_id: merchantId,
      connection_id: threePlId,
      connector: 'fake-3pl',
      operation: 'submitShipment',
      order_id: orderId,
      shipment_id: shipmentId,
      idempotency_key: shipmentId,
      status: 'ok',
      http_status: null,
      error: null,
    });
    expect(rows[0]!.duration_ms).toBeGreaterThanOrEqual(30);
    expect(rows[0]!.created_at).toBeInstanceOf(Date);
    const histogram = await metrics.registry.getSingleMetricAsString('hub_outbound_call_duration_seconds');
    expect(histogram).toContain(
      'hub_outbound_call_duration_seconds_count{connector="fake-3pl",operation="submitShipment",outcome="ok"} 1',
    );
  });

  it('records a 429 as retryable, with its HTTP status and no remote body, and passes the error on', async () => {
    const port = fulfillmentPort(deps, (await connections.get(threePlId))!);
    const shipmentId = '00000000-0000-4000-8000-00000000429a';
    const failure = await port.submitShipment(request(shipmentId), { orderId }).catch((error) => error);
    expect(failure).toBeInstanceOf(RetryableError);
    expect(failure.retryAfterMs).toBe(7_000);
    const rows = await callsOf(shipmentId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'retryable', http_status: 429, operation: 'submitShipment' });
    expect(rows[0]!.error).toMatch(/^rate_limited: /);
    expect(rows[0]!.error).not.toContain('jane@example.com');
    expect(rows[0]!.error!.length).toBeLessThanOrEqual(200);
    const histogram = await metrics.registry.getSingleMetricAsString('hub_outbound_call_duration_seconds');
    expect(histogram).toContain(
      'hub_outbound_call_duration_seconds_count{connector="fake-3pl",operation="submitShipment",outcome="retryable"} 1',
    );
  });

  it('refuses a connection of the other role clearly, before calling anything', async () => {
    const shop = (await connections.get(shopId))!;
    const threePl = (await connections.get(threePlId))!;
    expect(() => fulfillmentPort(deps, shop)).toThrow(ConnectionRoleError);
    expect(() => fulfillmentPort(deps, shop)).toThrow(
      `connection ${shopId} (fake-shop) is a storefront connection, not a fulfillment one`,
    );
    expect(() => storefrontPort(deps, threePl)).toThrow(
      expect.objectContaining({ code: 'connection_role_mismatch', errorClass: 'needs_human' }),
    );
    const rows = await hubDb.db
      .selectFrom('outbound_calls')
      .select('id')
      .where('connection_id', '=', shopId)
      .execute();
    expect(rows).toHaveLength(0);
  });

  it('runs the calls for one connection one at a time, as its queue allows', async () => {
    const port = fulfillmentPort(deps, (await connections.get(threePlId))!);
    spans.length = 0;
    const references = [1, 2, 3].map((n) => `00000000-0000-4000-8000-0000000000b${n}`);
    await Promise.all(references.map((reference) => port.submitShipment(request(reference), { orderId })));
    expect(spans).toHaveLength(3);
    const ordered = [...spans].sort((a, b) => a.start - b.start);
    for (let i = 1; i < ordered.length; i++) {
      expect(ordered[i]!.start).toBeGreaterThanOrEqual(ordered[i - 1]!.end);
    }
    for (const reference of references) expect(await callsOf(reference)).toHaveLength(1);
  });

  it('records storefront calls with their idempotency key', async () => {
    const port = storefrontPort(deps, (await connections.get(shopId))!);
    expect(port.answerRouting).toBeUndefined();
    const shipmentId = '00000000-0000-4000-8000-0000000000c1';
    await port.writeTracking(
      {
        order: { sourceOrderId: '1', sourceOrderName: '#1', sourceData: {} },
        shipment: { id: shipmentId, lines: [], tracking: { carrier: null, number: 'T1', url: null } },
        previousExternalId: null,
      },
      { orderId },
    );
    await port.publishStock([{ sku: 'SKU-1', available: 3 }], { idempotencyKey: 'publication-1' });
    expect(await callsOf(shipmentId)).toMatchObject([
      { operation: 'writeTracking', idempotency_key: shipmentId, order_id: orderId, status: 'ok' },
    ]);
    const published = await hubDb.db
      .selectFrom('outbound_calls')
      .selectAll()
      .where('idempotency_key', '=', 'publication-1')
      .execute();
    expect(published).toMatchObject([{ operation: 'publishStock', connection_id: shopId, order_id: null }]);
  });

  it('gives either role its own port, for calls every connector has (reconciliation)', async () => {
    const shop = portOf(deps, (await connections.get(shopId))!);
    const threePl = portOf(deps, (await connections.get(threePlId))!);
    expect(shop.connection.connector.manifest.role).toBe('storefront');
    expect(threePl.connection.connector.manifest.role).toBe('fulfillment');
    expect(await shop.pollSince(null)).toEqual({ events: [], nextCursor: null });
    const polls = await hubDb.db
      .selectFrom('outbound_calls')
      .select(['connection_id', 'operation', 'status'])
      .where('operation', '=', 'pollSince')
      .execute();
    expect(polls).toEqual([{ connection_id: shopId, operation: 'pollSince', status: 'ok' }]);
  });

  it('does not fail the call when its record cannot be written, and counts the failure', async () => {
    const loaded = (await connections.get(threePlId))!;
    // The same connector, but a connection row the log cannot refer to (its merchant is unknown).
    const orphan = { ...loaded, row: { ...loaded.row, merchant_id: '00000000-0000-4000-8000-00000000dead' } };
    const shipmentId = '00000000-0000-4000-8000-0000000000d1';
    const submitted = await fulfillmentPort(deps, orphan).submitShipment(request(shipmentId), { orderId });
    expect(submitted.externalId).toBe(`remote-${shipmentId}`);
    expect(await callsOf(shipmentId)).toHaveLength(0);
    const failures = await metrics.registry.getSingleMetricAsString('hub_outbound_call_records_failed_total');
    expect(failures).toContain('hub_outbound_call_records_failed_total{connector="fake-3pl"} 1');
  });

  it('deletes rows past retention and keeps the rest', async () => {
    const before = await hubDb.db
      .selectFrom('outbound_calls')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(before.n)).toBeGreaterThan(0);
    expect(await deleteExpiredOutboundCalls(hubDb.db, { retentionDays: 90 })).toBe(0);
    const later = new Date(Date.now() + 91 * 86_400_000);
    expect(await deleteExpiredOutboundCalls(hubDb.db, { retentionDays: 90, now: later, batchSize: 2 })).toBe(
      Number(before.n),
    );
  });
});
