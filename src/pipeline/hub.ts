import type { Kysely } from 'kysely';
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/types.ts';
import type { Metrics } from '../metrics.ts';
import type { ConnectionStore } from './connection-store.ts';
import type { ConnectorRegistry } from './registry.ts';

/** What the pipeline's parts need from the running process; built once in main, passed down. */
export interface Hub {
  config: Config;
  db: Kysely<Database>;
  boss: PgBoss;
  registry: ConnectorRegistry;
  connections: ConnectionStore;
  log: Logger;
  metrics: Metrics;
}
