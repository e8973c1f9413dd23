/**
 * The whole hub, workers on, in its own process for `bench/writeback.ts`: the simulators and the
 * load stay in the parent, so they do not share this event loop with the hub they measure.
 */
import { loadConfig } from '../src/config.ts';
import { startHub } from '../src/start-hub.ts';
import { createTestDatabase } from '../test/helpers/test-database.ts';

// A throwaway database: a fresh PGlite folder, or with BENCH_DATABASE_URL a fresh PostgreSQL database.
if (process.env.BENCH_DATABASE_URL) {
  process.env.HUB_TEST_ENGINE = 'postgres';
  process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
}
const database = await createTestDatabase();
const apiToken = 'bench-token-0123456789abcdefgh';
const config = loadConfig({
  // The hub's own defaults for jobs (concurrency, polling), as `npm start` runs them.
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('JOB_'))),
  NODE_ENV: 'test',
  PORT: '0',
  DATA_DIR: database.dataDir,
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
  SANDBOX: 'false',
  API_TOKEN: apiToken,
  ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
  ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
});
const running = await startHub(config);
process.send?.({ url: running.url, apiToken, engine: running.database.engine });
process.on('message', async (message) => {
  if (message === 'stop') {
    await running.stop();
    await database.drop();
    process.exit(0);
  }
});
