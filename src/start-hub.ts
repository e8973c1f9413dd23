import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import { createConnectors } from '../connectors/registry.ts';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { type HubDatabase, openDatabase } from './db/database.ts';
import { isDatabaseUnavailable } from './db/database-errors.ts';
import { migrateToLatest } from './db/migrate.ts';
import { createLogger } from './logger.ts';
import { createMetrics, pendingJobs } from './metrics.ts';
import { ConnectionStore } from './pipeline/connection-store.ts';
import { createDeferralLedger } from './pipeline/deferrals.ts';
import type { Hub } from './pipeline/hub.ts';
import { type JobSummary, startJobSummary } from './pipeline/job-summary.ts';
import { createHandlers } from './pipeline/jobs/handlers.ts';
import { createQueues, startWorkers } from './pipeline/jobs.ts';
import { createRegistry, webhookSecretHeaders } from './pipeline/registry.ts';
import { RETENTION_CRON } from './pipeline/retention.ts';
import type { Connector } from './sdk/contracts.ts';
import { createSecretBox, developmentSecret } from './secrets.ts';

export interface RunningHub {
  hub: Hub;
  app: FastifyInstance;
  url: string;
  apiToken: string;
  database: HubDatabase;
  /** Stops taking webhooks, lets in-flight jobs finish, closes the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  connectors?: Connector[];
  logger?: Logger;
  /** Start job workers (tests of the ingest path alone may leave them off). */
  workers?: boolean;
}

/** config → database → migrations → app → workers → listen, as one call. */
export async function startHub(config: Config, options: StartOptions = {}): Promise<RunningHub> {
  const connectors = options.connectors ?? createConnectors();
  const log = options.logger ?? createLogger(config.logLevel, undefined, webhookSecretHeaders(connectors));
  const encryptionKey =
    config.encryptionKey ??
    devSecret(config, log, 'encryption-key', () => randomBytes(32).toString('base64'));
  const apiToken =
    config.apiToken ?? devSecret(config, log, 'api-token', () => randomBytes(24).toString('base64url'));

  const database = await openDatabase({
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    dataDir: config.dataDir,
    poolSize: config.databasePoolSize,
    onConnectionError: (error) =>
      log.warn({ err: error }, 'a database connection was lost; it is replaced on next use'),
  });
  const applied = await migrateToLatest(database.db);
  if (applied.length > 0) log.info({ applied }, 'migrations applied');

  const boss = new PgBoss({
    ...database.boss,
    ...(database.engine === 'postgres' ? { max: Math.max(2, Math.ceil(config.databasePoolSize / 2)) } : {}),
    backend: database.engine === 'pglite' ? 'pglite' : 'postgres',
    schema: 'pgboss',
    superviseIntervalSeconds: config.jobs.superviseIntervalSeconds,
    monitorIntervalSeconds: config.jobs.superviseIntervalSeconds,
  });
  // pg-boss keeps polling and reconnects by itself; a database that is briefly away is a warning.
  boss.on('error', (error) =>
    log[isDatabaseUnavailable(error) ? 'warn' : 'error']({ err: error }, 'job queue error'),
  );
  await boss.start();
  await createQueues(boss, config.jobs);
  await boss.schedule('reconcile', config.jobs.reconcileCron, {}, { singletonKey: 'all' });
  await boss.schedule('retention', RETENTION_CRON, {}, { singletonKey: 'all' });

  const registry = createRegistry(connectors);
  const metrics = createMetrics(database.db);
  const connections = new ConnectionStore(
    database.db,
    registry,
    createSecretBox(encryptionKey),
    log,
    metrics,
  );
  const hub: Hub = { config, db: database.db, boss, registry, connections, log, metrics };

  let publicUrl = config.publicUrl ?? '';
  const app = await buildApp({ hub, apiToken, publicUrl: () => publicUrl });
  const address = await app.listen({ host: config.host, port: config.port });
  const url = address.replace('[::1]', 'localhost');
  if (!publicUrl) publicUrl = url;
  connections.publicUrl = publicUrl;

  let summary: JobSummary | null = null;
  if (options.workers !== false) {
    summary = startJobSummary({
      log,
      intervalMs: config.jobs.summaryIntervalSeconds * 1000,
      instanceId: randomUUID().slice(0, 8),
      readPending: () => pendingJobs(database.db),
    });
    const ledger = createDeferralLedger(database.db, { maxDeferrals: config.jobs.maxDeferrals, metrics });
    await startWorkers(boss, createHandlers(hub), config.jobs, log, metrics, ledger, summary);
  }

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      await app.close();
      summary?.stop();
      await boss.stop({ graceful: true, timeout: config.shutdownTimeoutSeconds * 1000, close: true });
      await database.close();
    })();
    return stopping;
  };
  return { hub, app, url: publicUrl, apiToken, database, stop };
}

function devSecret(config: Config, log: Logger, name: string, generate: () => string): string {
  const { value, created } = developmentSecret(config.dataDir, name, generate);
  if (created)
    log.warn({ file: `${config.dataDir}/${name}` }, `no ${name} configured: generated one for development`);
  return value;
}
