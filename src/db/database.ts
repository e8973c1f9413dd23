import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import { fromPglite, type Db as IDatabase } from 'pg-boss';
import type { Database } from './types.ts';

export type Engine = 'postgres' | 'pglite';

export interface HubDatabase {
  db: Kysely<Database>;
  engine: Engine;
  /** How pg-boss reaches the same database: its own pool on PostgreSQL, the shared PGlite otherwise. */
  boss: { connectionString: string } | { db: IDatabase };
  close(): Promise<void>;
}

// bigint (int8) as a JS number: amounts and counts here stay far below 2^53.
pg.types.setTypeParser(20, (value) => Number(value));

const CONNECT_TIMEOUT_MS = 5_000;

/**
 * PostgreSQL's defaults are sized for a server; PGlite keeps its shared memory inside the
 * WebAssembly heap of this process, where it stays resident once touched. One session, a small
 * database, and the OS page cache behind the files make a small buffer pool enough.
 */
const PGLITE_SETTINGS = [
  'shared_buffers=16MB', // default 128MB
  'max_connections=5', // default 100; one session, and every slot reserves shared memory
  'maintenance_work_mem=16MB', // default 64MB
];

export async function openDatabase(options: {
  databaseUrl?: string;
  dataDir: string;
  poolSize?: number;
  /** A connection the server or the network closed; it has been discarded and is replaced on next use. */
  onConnectionError?: (error: Error) => void;
}): Promise<HubDatabase> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      // An unreachable server fails the checkout (and the request or job) instead of hanging it.
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
    });
    // A connection can die at any time: a restart, a failover, pg_terminate_backend, a proxy. pg
    // reports it as an 'error' event on the client, and pg-pool listens only while the client is
    // idle; checked out by Kysely it has no listener, and an unheard 'error' ends the process. So
    // every client gets a listener for its whole life. The query in flight rejects on its own (the
    // request answers 503, the job retries) and pg-pool discards the dead client when it is released.
    pool.on('connect', (client) => {
      client.on('error', (error) => options.onConnectionError?.(error));
    });
    // The same errors on idle clients, already reported by the listener above.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      engine: 'postgres',
      boss: { connectionString: options.databaseUrl },
      close: () => db.destroy(),
    };
  }

  const dir = path.resolve(options.dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  const settings = {
    dataDir: dir,
    parsers: { 20: (value: string) => Number(value) },
    startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((setting) => ['-c', setting])],
  };
  const pglite = await PGlite.create(settings);
  // PGlite has one connection. Kysely's dialect runs each transaction inside PGlite's exclusive
  // transaction, and PGlite queues every other query (pg-boss's included) behind it, so no caller's
  // statement can land inside another caller's transaction.
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  return {
    db,
    engine: 'pglite',
    boss: { db: fromPglite(pglite) },
    // Kysely's destroy closes the PGlite instance; pg-boss must have stopped before.
    close: () => db.destroy(),
  };
}
