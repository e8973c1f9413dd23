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

export async function openDatabase(options: {
  databaseUrl?: string;
  dataDir: string;
  poolSize?: number;
  onIdleError?: (error: Error) => void;
}): Promise<HubDatabase> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // An idle connection the server closes (a restart, a failover) is dropped from the pool and
    // replaced on next use; without a listener it would crash the process.
    pool.on('error', (error) => options.onIdleError?.(error));
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
  const pglite = await PGlite.create({ dataDir: dir, parsers: { 20: (value: string) => Number(value) } });
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
