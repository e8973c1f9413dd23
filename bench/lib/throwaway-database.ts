/**
 * A throwaway database per scenario, like the tests use: a fresh PostgreSQL database on the server
 * named by BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres), or a fresh
 * PGlite folder; dropped when the scenario ends.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

export const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type Engine = 'pglite' | 'postgres';

export interface ThrowawayDatabase {
  engine: Engine;
  /** PostgreSQL only. */
  databaseUrl: string | null;
  /** The hub's DATA_DIR (PGlite keeps its files under it). */
  dataDir: string;
  drop(): Promise<void>;
}

export interface DatabaseOptions {
  /**
   * PostgreSQL: log EXPLAIN ANALYZE of every statement slower than this into the server's log, for
   * this database alone (auto_explain, loaded per session; pg_stat_statements needs a restart).
   */
  autoExplainMs?: number;
}

const live = new Set<ThrowawayDatabase>();

/** Drops every database still live (the run was interrupted or a scenario threw before its cleanup). */
export async function dropAllDatabases(): Promise<void> {
  await Promise.all([...live].map((database) => database.drop().catch(() => {})));
}

export async function createThrowawayDatabase(
  engine: Engine,
  options: DatabaseOptions = {},
): Promise<ThrowawayDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hub-bench-'));
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  if (engine === 'pglite') {
    const database: ThrowawayDatabase = {
      engine,
      databaseUrl: null,
      dataDir,
      drop: async () => {
        live.delete(database);
        removeDir();
      },
    };
    live.add(database);
    return database;
  }
  const name = `hub_bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  if (options.autoExplainMs !== undefined) {
    await adminQuery(`alter database ${name} set session_preload_libraries = 'auto_explain'`);
    await adminQuery(
      `alter database ${name} set auto_explain.log_min_duration = '${options.autoExplainMs}ms'`,
    );
    await adminQuery(`alter database ${name} set auto_explain.log_analyze = on`);
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const database: ThrowawayDatabase = {
    engine,
    databaseUrl: url.toString(),
    dataDir,
    async drop() {
      live.delete(database);
      removeDir();
      await adminQuery(`drop database if exists ${name} with (force)`);
    },
  };
  live.add(database);
  return database;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
