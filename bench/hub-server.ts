/**
 * One hub process for the benchmark, as `npm start` runs it (workers on unless BENCH_WORKERS=0), on a
 * database the parent made: BENCH_DATABASE_URL (PostgreSQL) or the PGlite folder under BENCH_DATA_DIR.
 * The parent drops the database; the fakes and the load live in other processes. JOB_* and
 * DATABASE_POOL_SIZE pass through, so the hub's defaults are measured unless a run overrides them.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadConfig } from '../src/config.ts';
import { startHub } from '../src/start-hub.ts';
import { serveParent } from './lib/child-processes.ts';
import { installSqlTrace, startSqlTrace, stopSqlTrace } from './lib/sql-trace.ts';

installSqlTrace();

const dataDir = process.env.BENCH_DATA_DIR;
if (!dataDir) throw new Error('hub-server needs BENCH_DATA_DIR');
const apiToken = 'bench-token-0123456789abcdefgh';
const passThrough = Object.fromEntries(
  Object.entries(process.env).filter(
    (entry): entry is [string, string] =>
      (entry[0].startsWith('JOB_') || entry[0] === 'DATABASE_POOL_SIZE') && entry[1] !== undefined,
  ),
);
const config = loadConfig({
  ...passThrough,
  NODE_ENV: 'test',
  PORT: '0',
  DATA_DIR: dataDir,
  // Warnings (a pool timeout, a retried call) flood the table under load; BENCH_LOG_LEVEL=warn shows them.
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error',
  SANDBOX: 'false',
  API_TOKEN: apiToken,
  ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
  ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
});
const running = await startHub(config, { workers: process.env.BENCH_WORKERS !== '0' });

// The V8 CPU profiler that --cpu-prof uses, started and stopped on request, so that ingest and the
// workers' drain each get a profile of their own phase rather than one of the whole process life.
const inspector = new Session();
inspector.connect();

serveParent(
  {
    profileStart: async () => {
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.start');
      startSqlTrace();
      return {};
    },
    profileStop: async (message) => {
      const { profile } = await inspector.post('Profiler.stop');
      writeFileSync(String(message.path), JSON.stringify(profile));
      return { statements: stopSqlTrace() };
    },
    // Every delivery row, whatever its status by now: an acknowledged delivery must be one of them.
    count: async () => {
      const row = await running.hub.db
        .selectFrom('deliveries')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      return { deliveries: Number(row.n) };
    },
  },
  () => running.stop(),
);
process.send?.({ url: running.url, apiToken, engine: running.database.engine, pid: process.pid });
