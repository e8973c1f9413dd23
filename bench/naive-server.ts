/**
 * The floor the hub must beat: "Fastify + HMAC + one INSERT, answer after commit", in its own
 * process, on a fresh PostgreSQL database (BENCH_DATABASE_URL) or PGlite folder (BENCH_DATA_DIR).
 * No job, no dedupe, no connection lookup: one autocommitted INSERT per request.
 */
import { timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import Fastify from 'fastify';
import pg from 'pg';
import { hmacSha256 } from '../src/sdk/signature.ts';
import { serveParent } from './lib/child-processes.ts';

const SECRET = 'bench-naive-secret';
const DDL = `create table if not exists deliveries (
  id bigserial primary key, event_id text not null, body text not null, received_at timestamptz not null default now())`;
const INSERT = 'insert into deliveries (event_id, body) values ($1, $2)';

interface Store {
  insert(eventId: string, body: string): Promise<void>;
  count(): Promise<number>;
  close(): Promise<void>;
}

async function openStore(): Promise<Store> {
  const url = process.env.BENCH_DATABASE_URL;
  if (url) {
    // The hub's own pool size, so the comparison is like for like.
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    await pool.query(DDL);
    return {
      insert: async (eventId, body) => void (await pool.query(INSERT, [eventId, body])),
      count: async () => Number((await pool.query('select count(*) as n from deliveries')).rows[0].n),
      close: () => pool.end(),
    };
  }
  const dataDir = process.env.BENCH_DATA_DIR;
  if (!dataDir) throw new Error('naive-server needs BENCH_DATABASE_URL or BENCH_DATA_DIR');
  const db = await PGlite.create(path.join(dataDir, 'naive-pglite'));
  await db.exec(DDL);
  return {
    insert: async (eventId, body) => void (await db.query(INSERT, [eventId, body])),
    count: async () =>
      Number((await db.query<{ n: string }>('select count(*) as n from deliveries')).rows[0]?.n),
    close: () => db.close(),
  };
}

const store = await openStore();
const app = Fastify({ logger: false });
// The raw bytes are what is signed, as in the hub.
app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
  done(null, body),
);
app.post('/webhook', async (request, reply) => {
  const body = request.body as string;
  const given = Buffer.from(String(request.headers['x-sandbox-signature'] ?? ''));
  const expected = Buffer.from(hmacSha256(SECRET, body, 'base64'));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return reply.code(401).send();
  await store.insert(String(request.headers['x-sandbox-event-id'] ?? ''), body);
  return { ok: true };
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
serveParent({ count: async () => ({ deliveries: await store.count() }) }, async () => {
  await app.close();
  await store.close();
});
process.send?.({ url: `${address}/webhook`, webhookSecret: SECRET });
