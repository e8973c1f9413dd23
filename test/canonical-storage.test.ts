/**
 * The other half of "no input reaches the database unchecked", on both engines: whatever the
 * hub's canonical check passes, the database stores, and gives back exactly (property tests at
 * the edges of every range: quantities, minor amounts, stock counts, key lengths in four-byte
 * characters, zone offsets); and the errors it refuses with are told apart by their SQLSTATE
 * class, never by their text.
 */
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { sql } from 'kysely';
import { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { type HubDatabase, openDatabase } from '../src/db/database.ts';
import { databaseFailureOf } from '../src/db/database-errors.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import type { OrderInput } from '../src/domain/order.ts';
import { createLogger } from '../src/logger.ts';
import { storeStockLevels } from '../src/pipeline/apply/apply-stock.ts';
import { upsertOrder } from '../src/pipeline/apply/upsert-order.ts';
import { createQueues } from '../src/pipeline/jobs.ts';
import { canonicalEventProblem } from '../src/sdk/canonical-schema.ts';
import { instantText } from '../src/sdk/fuzz-kit.ts';
import { LIMITS } from '../src/sdk/payload.ts';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.ts';

/** Text of any Unicode (astral characters included), as the canonical check lets it through. */
const text = (maxLength: number, minLength = 0) =>
  fc
    .string({ unit: 'binary', minLength, maxLength })
    .map((value) => value.toWellFormed().replaceAll('\u0000', ''))
    .filter((value) => value.length >= minLength);

/** Any integer of the range, its two ends often: that is where a column and a check disagree. */
const within = (limit: keyof typeof LIMITS) =>
  fc.oneof(
    fc.constantFrom(LIMITS[limit].min, LIMITS[limit].max),
    fc.integer({ min: LIMITS[limit].min, max: LIMITS[limit].max }),
  );

/** Keys made unique where they must be, keeping them at most 255 characters long. */
const keyed = (prefix: string | number, key: string) => `${prefix}:${key}`.slice(0, 255).toWellFormed();
let sequence = 0;

const line = fc.record({
  sourceLineId: text(255, 1),
  sku: fc.option(text(255, 1), { nil: null }),
  name: text(300),
  quantity: within('quantity'),
  unitPriceMinor: within('minor'),
  requiresShipping: fc.boolean(),
});

const order: fc.Arbitrary<OrderInput> = fc.record({
  sourceOrderId: text(255, 1),
  sourceOrderName: text(100),
  sourceUpdatedAt: instantText({ maxOffsetMinutes: 15 * 60 + 59 }),
  placedAt: instantText({ maxOffsetMinutes: 15 * 60 + 59 }),
  currency: fc.constantFrom('EUR', 'JPY', 'KWD'),
  totalMinor: within('minor'),
  email: fc.option(text(320), { nil: null }),
  shippingAddress: fc.option(
    fc.record({
      name: text(100),
      address1: text(100),
      city: text(50),
      countryCode: fc.constantFrom('FR', 'JP', 'US'),
      phone: fc.option(text(30), { nil: null }),
    }),
    { nil: null },
  ),
  shippingMethod: fc.option(text(50), { nil: null }),
  lines: fc.array(line, { minLength: 1, maxLength: 3 }),
  tags: fc.array(text(40), { maxLength: 3 }),
  note: fc.option(text(500), { nil: null }),
  test: fc.boolean(),
  readyToFulfill: fc.boolean(),
  cancelled: fc.boolean(),
  sourceData: fc.dictionary(text(20, 1), fc.jsonValue({ maxDepth: 2 })) as fc.Arbitrary<
    Record<string, unknown>
  >,
});

describe('the database and the canonical check agree', () => {
  let database: TestDatabase;
  let hubDatabase: HubDatabase;
  // The real job queue on the same database: storing stock may queue work (a re-route of held orders).
  let boss: PgBoss;
  const scope = { merchantId: '', storefrontConnectionId: '', via: 'test' };
  let fulfillmentConnectionId = '';
  let stockMerchantId = '';

  beforeAll(async () => {
    database = await createTestDatabase();
    hubDatabase = await openDatabase({
      ...(database.databaseUrl ? { databaseUrl: database.databaseUrl } : {}),
      dataDir: database.dataDir,
    });
    await migrateToLatest(hubDatabase.db);
    boss = new PgBoss({
      ...hubDatabase.boss,
      backend: hubDatabase.engine === 'pglite' ? 'pglite' : 'postgres',
      schema: 'pgboss',
    });
    await boss.start();
    await createQueues(boss, loadConfig({}).jobs);
    const newMerchant = (name: string) =>
      hubDatabase.db
        .insertInto('merchants')
        .values({ name, default_fulfillment_connection_id: null })
        .returning('id')
        .executeTakeFirstOrThrow();
    const merchant = await newMerchant('Ranges');
    // Stock of its own merchant, who has no storefront to publish to: storing it queues no job.
    stockMerchantId = (await newMerchant('Stock only')).id;
    const connection = (role: 'storefront' | 'fulfillment') =>
      hubDatabase.db
        .insertInto('connections')
        .values({
          merchant_id: role === 'storefront' ? merchant.id : stockMerchantId,
          connector: `test-${role}`,
          role,
          external_account: role,
          settings: JSON.stringify({}),
          credentials_encrypted: 'none',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    scope.merchantId = merchant.id;
    scope.storefrontConnectionId = (await connection('storefront')).id;
    fulfillmentConnectionId = (await connection('fulfillment')).id;
  });
  afterAll(async () => {
    await boss?.stop({ graceful: false, close: true });
    await hubDatabase?.close();
    await database?.drop();
  });

  it('stores every order the check passes, and gives its numbers and instants back exactly', async () => {
    await fc.assert(
      fc.asyncProperty(order, async (generated) => {
        // A new order on every run (shrinking runs a value again), its line ids unique within it.
        sequence += 1;
        const input: OrderInput = {
          ...generated,
          sourceOrderId: keyed(sequence, generated.sourceOrderId),
          lines: generated.lines.map((l, index) => ({ ...l, sourceLineId: keyed(index, l.sourceLineId) })),
        };
        expect(canonicalEventProblem({ type: 'order.upserted', order: input })).toBeNull();
        const { orderId } = await hubDatabase.db
          .transaction()
          .execute((trx) => upsertOrder(trx, scope, input));
        const stored = await hubDatabase.db
          .selectFrom('orders')
          .select(['total_minor', 'source_updated_at', 'placed_at', 'email'])
          .where('id', '=', orderId)
          .executeTakeFirstOrThrow();
        expect(Number(stored.total_minor)).toBe(input.totalMinor);
        expect(stored.source_updated_at.getTime()).toBe(Date.parse(input.sourceUpdatedAt));
        expect(stored.placed_at.getTime()).toBe(Date.parse(input.placedAt));
        expect(stored.email).toBe(input.email);
        const lines = await hubDatabase.db
          .selectFrom('order_lines')
          .select(['source_line_id', 'quantity', 'unit_price_minor'])
          .where('order_id', '=', orderId)
          .execute();
        const byId = new Map(lines.map((l) => [l.source_line_id, l]));
        for (const expected of input.lines) {
          const found = byId.get(expected.sourceLineId);
          expect(found?.quantity).toBe(expected.quantity);
          expect(Number(found?.unit_price_minor)).toBe(expected.unitPriceMinor);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('stores every stock level the check passes', async () => {
    const level = fc.record({
      sku: text(255, 1),
      location: text(255),
      available: within('stock'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(level, { minLength: 1, maxLength: 4 }), async (levels) => {
        const occurredAt = new Date().toISOString();
        expect(canonicalEventProblem({ type: 'stock.changed', levels, occurredAt })).toBeNull();
        await storeStockLevels(
          { db: hubDatabase.db, boss },
          { id: fulfillmentConnectionId, merchant_id: stockMerchantId },
          levels,
          occurredAt,
        );
      }),
      { numRuns: 40 },
    );
  });

  it('refuses one past every range, and the check refuses it first', () => {
    const base: OrderInput = {
      sourceOrderId: 'x',
      sourceOrderName: '#1',
      sourceUpdatedAt: '2025-01-01T00:00:00Z',
      placedAt: '2025-01-01T00:00:00Z',
      currency: 'EUR',
      totalMinor: 0,
      email: null,
      shippingAddress: null,
      shippingMethod: null,
      lines: [],
      tags: [],
      note: null,
      test: false,
      readyToFulfill: false,
      cancelled: false,
    };
    const lineWith = (change: Record<string, unknown>) => ({
      ...base,
      lines: [
        {
          sourceLineId: 'l',
          sku: null,
          name: 'n',
          quantity: 1,
          unitPriceMinor: 0,
          requiresShipping: true,
          ...change,
        },
      ],
    });
    for (const [input, field] of [
      [lineWith({ quantity: LIMITS.quantity.max + 1 }), 'lines/0/quantity'],
      [lineWith({ quantity: -1 }), 'lines/0/quantity'],
      [lineWith({ unitPriceMinor: 2 ** 53 }), 'lines/0/unitPriceMinor'],
      [{ ...base, totalMinor: -(2 ** 53) }, 'totalMinor'],
      [{ ...base, sourceOrderId: 'x'.repeat(256) }, 'sourceOrderId'],
      [{ ...base, note: 'a\u0000b' }, 'note'],
      [{ ...base, note: 'a\ud800b' }, 'note'],
      [{ ...base, placedAt: '2025-01-01T00:00:00+16:00' }, 'placedAt'],
      [{ ...base, placedAt: '2016-12-31T23:59:60Z' }, 'placedAt'],
    ] as const) {
      expect(canonicalEventProblem({ type: 'order.upserted', order: input })).toContain(field);
    }
    const twice = lineWith({});
    twice.lines.push({ ...twice.lines[0]! });
    expect(canonicalEventProblem({ type: 'order.upserted', order: twice })).toMatch(/line id "l" twice/);
  });

  it('tells deterministic refusals from transient failures by SQLSTATE class, and logs neither text', async () => {
    const failureOf = async (query: ReturnType<typeof sql>) => {
      try {
        await query.execute(hubDatabase.db);
      } catch (error) {
        return error;
      }
      throw new Error('the query succeeded');
    };
    const overflow = await failureOf(sql`select ${'2147483648'}::int`);
    expect(databaseFailureOf(overflow)).toMatchObject({
      sqlState: '22003',
      className: 'data exception',
      deterministic: true,
    });
    const duplicate = await failureOf(
      sql`insert into merchants (id, name) select id, 'again' from merchants limit 1`,
    );
    // A unique violation is also what two processes racing to insert one row see: retried.
    expect(databaseFailureOf(duplicate)).toMatchObject({ sqlState: '23505', deterministic: false });
    const secret = 'zoe@example.com';
    const check = await failureOf(sql`select (${secret})::int`);
    expect(databaseFailureOf(check)).toMatchObject({ sqlState: '22P02', deterministic: true });
    expect(databaseFailureOf(check)?.message).not.toContain(secret);
    expect(databaseFailureOf(new Error('socket hang up'))).toBeNull();

    const lines: string[] = [];
    const log = createLogger(
      'info',
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    log.error({ err: check }, 'apply-delivery failed');
    const logged = lines.join('');
    expect(logged).toContain('22P02');
    expect(logged).not.toContain(secret);
    expect(logged).not.toMatch(/invalid input syntax/);
  });
});
