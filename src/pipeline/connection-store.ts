import { type Kysely, sql } from 'kysely';
import PQueue from 'p-queue';
import type { Logger } from 'pino';
import type { Connection, Database } from '../db/types.ts';
import type { Metrics } from '../metrics.ts';
import type { ConnectionContext, Connector } from '../sdk/contracts.ts';
import { ConnectorError } from '../sdk/errors.ts';
import type { SecretBox } from '../secrets.ts';
import type { ConnectorRegistry } from './registry.ts';

export interface LoadedConnection {
  row: Connection;
  connector: Connector;
  context: ConnectionContext;
}

/**
 * A proposed configuration, set up at the platform before anything is stored: what its connector
 * saves (state, refreshed credentials) is kept here, to be written with the row once set-up succeeded.
 */
export interface CandidateConnection extends LoadedConnection {
  statePatch: Record<string, unknown>;
}

const CACHE_MS = 5_000;

/**
 * Connections with their credentials decrypted, cached briefly because every webhook needs one,
 * and one call queue per connection sized from the connector's published rate limit.
 */
export class ConnectionStore {
  readonly #db: Kysely<Database>;
  readonly #registry: ConnectorRegistry;
  readonly #secrets: SecretBox;
  readonly #log: Logger;
  readonly #metrics: Metrics | null;
  readonly #cache = new Map<string, { loaded: LoadedConnection; until: number }>();
  readonly #queues = new Map<string, PQueue>();
  readonly #candidates = new Map<string, CandidateConnection[]>();
  /** The hub's public base URL; known once the server listens. */
  publicUrl = '';

  constructor(
    db: Kysely<Database>,
    registry: ConnectorRegistry,
    secrets: SecretBox,
    log: Logger,
    metrics?: Metrics,
  ) {
    this.#metrics = metrics ?? null;
    this.#db = db;
    this.#registry = registry;
    this.#secrets = secrets;
    this.#log = log;
  }

  /** The connection with this external account at this connector (Shopify's shop domain). */
  async findByAccount(connectorName: string, externalAccount: string): Promise<LoadedConnection | null> {
    const row = await this.#db
      .selectFrom('connections')
      .select('id')
      .where('connector', '=', connectorName)
      .where('external_account', '=', externalAccount)
      .executeTakeFirst();
    return row ? this.get(row.id, connectorName) : null;
  }

  /** The connection, or null when it does not exist or belongs to another connector. */
  async get(id: string, connectorName?: string): Promise<LoadedConnection | null> {
    const cached = this.#cache.get(id);
    if (cached && cached.until > Date.now()) {
      return connectorName && cached.loaded.row.connector !== connectorName ? null : cached.loaded;
    }
    const row = await this.#db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    const connector = this.#registry.get(row.connector);
    if (!connector) return null;
    const state = { ...row.state };
    const loaded: LoadedConnection = {
      row,
      connector,
      context: this.#context(row, JSON.parse(this.#secrets.open(row.credentials_encrypted)), state, {
        saveState: async (patch) => {
          Object.assign(state, patch);
          // jsonb `||` merges at the top level, so concurrent writers of different keys do not clobber each other.
          await this.#db
            .updateTable('connections')
            .set({ state: sql`state || ${JSON.stringify(patch)}::jsonb`, updated_at: new Date() })
            .where('id', '=', row.id)
            .execute();
        },
        saveCredentials: async (credentials) => {
          await this.#db
            .updateTable('connections')
            .set({ credentials_encrypted: this.sealCredentials(credentials), updated_at: new Date() })
            .where('id', '=', row.id)
            .execute();
          loaded.context.credentials = credentials;
        },
      }),
    };
    this.#cache.set(id, { loaded, until: Date.now() + CACHE_MS });
    return connectorName && row.connector !== connectorName ? null : loaded;
  }

  /**
   * A proposed configuration with the id its row has or will get, so the connector registers its
   * webhooks at the right URL; nothing it saves reaches the database until the caller stores it.
   */
  candidate(
    row: Connection,
    connector: Connector,
    credentials: Record<string, unknown>,
  ): CandidateConnection {
    const state = { ...row.state };
    const statePatch: Record<string, unknown> = {};
    const candidate: CandidateConnection = {
      row,
      connector,
      statePatch,
      context: this.#context(row, credentials, state, {
        saveState: async (patch) => {
          Object.assign(state, patch);
          Object.assign(statePatch, patch);
        },
        saveCredentials: async (saved) => {
          candidate.context.credentials = saved;
        },
      }),
    };
    return candidate;
  }

  /** Runs the set-up of a candidate; meanwhile webhooks to its URL are verified with it too. */
  async settingUp<T>(candidate: CandidateConnection, work: () => Promise<T>): Promise<T> {
    const id = candidate.row.id;
    this.#candidates.set(id, [...(this.#candidates.get(id) ?? []), candidate]);
    try {
      return await work();
    } finally {
      const left = (this.#candidates.get(id) ?? []).filter((other) => other !== candidate);
      if (left.length > 0) this.#candidates.set(id, left);
      else this.#candidates.delete(id);
    }
  }

  /** The candidates being set up in this process for this connection id. */
  candidatesFor(id: string, connectorName: string): CandidateConnection[] {
    return (this.#candidates.get(id) ?? []).filter((candidate) => candidate.row.connector === connectorName);
  }

  forget(id: string) {
    this.#cache.delete(id);
  }

  /** A connection that was never stored (a refused candidate): its call queue goes too. */
  discard(id: string) {
    this.#cache.delete(id);
    if (!this.#candidates.has(id)) this.#queues.delete(id);
  }

  #context(
    row: Connection,
    credentials: Record<string, unknown>,
    state: Record<string, unknown>,
    save: Pick<ConnectionContext, 'saveState' | 'saveCredentials'>,
  ): ConnectionContext {
    return {
      connectionId: row.id,
      merchantId: row.merchant_id,
      externalAccount: row.external_account,
      settings: row.settings,
      credentials,
      state,
      ...save,
      hubUrl: this.publicUrl,
      webhookUrl: `${this.publicUrl}/webhooks/${row.connector}/${row.id}`,
      log: this.#log.child({ connectionId: row.id, connector: row.connector }),
    };
  }

  /** Runs an outbound call in the connection's queue, which keeps to the remote API's limit. */
  call<T>(loaded: LoadedConnection, operation: () => Promise<T>): Promise<T> {
    const { concurrency, intervalMs, intervalCap, scope } = loaded.connector.manifest.rateLimit;
    // One queue per remote account when the platform counts the account's calls together.
    const key =
      scope === 'account' && loaded.row.external_account
        ? `account\u0000${loaded.row.connector}\u0000${loaded.row.external_account}`
        : loaded.row.id;
    let queue = this.#queues.get(key);
    if (!queue) {
      queue = new PQueue({ concurrency, interval: intervalMs, intervalCap });
      this.#queues.set(key, queue);
    }
    const counter = this.#metrics?.outbound;
    const connector = loaded.row.connector;
    return queue.add(async () => {
      try {
        const result = await operation();
        counter?.inc({ connector, outcome: 'ok' });
        return result;
      } catch (error) {
        counter?.inc({ connector, outcome: error instanceof ConnectorError ? error.errorClass : 'error' });
        throw error;
      }
    }) as Promise<T>;
  }

  sealCredentials(credentials: Record<string, unknown>): string {
    return this.#secrets.seal(JSON.stringify(credentials));
  }
}
