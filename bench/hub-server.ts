/**
 * The hub's ingest path alone, in its own process: a sandbox storefront connection, workers off,
 * so the figures are those of verify → persist delivery and job → answer.
 */
import { loadConfig } from '../src/config.ts';
import { saveConnection, webhookUrlFor } from '../src/pipeline/manage-connections.ts';
import { startHub } from '../src/start-hub.ts';
import { createTestDatabase } from '../test/helpers/test-database.ts';

// A throwaway database: a fresh PGlite folder, or with BENCH_DATABASE_URL a fresh PostgreSQL database.
if (process.env.BENCH_DATABASE_URL) {
  process.env.HUB_TEST_ENGINE = 'postgres';
  process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
}
const database = await createTestDatabase();
const config = loadConfig({
  NODE_ENV: 'test',
  PORT: '0',
  DATA_DIR: database.dataDir,
  LOG_LEVEL: 'warn',
  SANDBOX: 'false',
  API_TOKEN: 'bench-token-0123456789abcdefgh',
  ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
  ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
});
const running = await startHub(config, { workers: false });
const merchant = await running.hub.db
  .insertInto('merchants')
  .values({ name: 'bench' })
  .returning('id')
  .executeTakeFirstOrThrow();
const credentials = { apiKey: 'bench-api-key', webhookSecret: 'bench-webhook-secret' };
const connection = await saveConnection(running.hub, {
  merchantId: merchant.id,
  connector: 'sandbox-storefront',
  externalAccount: `bench-${Date.now()}`,
  settings: { baseUrl: 'http://127.0.0.1:9' },
  credentials,
});
process.send?.({
  url: running.url,
  webhookUrl: webhookUrlFor(running.url, connection),
  webhookSecret: credentials.webhookSecret,
  engine: running.database.engine,
});
process.on('message', async (message) => {
  if (message === 'count') {
    const row = await running.hub.db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'received')
      .executeTakeFirstOrThrow();
    process.send?.({ deliveries: Number(row.n) });
  }
  if (message === 'stop') {
    await running.stop();
    await database.drop();
    process.exit(0);
  }
});
