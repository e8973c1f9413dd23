import { randomUUID } from 'node:crypto';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { sql } from 'kysely';
import type { Connection } from '../db/types.ts';
import type { Connector } from '../sdk/contracts.ts';
import { ConnectorError } from '../sdk/errors.ts';
import type { CandidateConnection } from './connection-store.ts';
import type { Hub } from './hub.ts';

export class ConnectionInputError extends Error {
  readonly statusCode: number;
  readonly code: string;
  constructor(code: string, message: string, statusCode = 400) {
    super(message);
    this.code = code;
    this.statusCode = statusCode;
  }
}

const ajv = new Ajv({ allErrors: true, useDefaults: true });
addFormats.default(ajv);
const validators = new Map<string, ValidateFunction>();

function validatorFor(connector: Connector, part: 'settings' | 'credentials'): ValidateFunction {
  const key = `${connector.manifest.name}:${part}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(
      part === 'settings' ? connector.manifest.settingsSchema : connector.manifest.credentialsSchema,
    );
    validators.set(key, validate);
  }
  return validate;
}

export interface ConnectionInput {
  merchantId: string;
  connector: string;
  externalAccount: string;
  settings: Record<string, unknown>;
  credentials: Record<string, unknown>;
  /** Make this 3PL the one the merchant's orders route to. */
  defaultFulfillment?: boolean;
  /** Keep settings the merchant chose before (a re-install through an install flow) and add these. */
  mergeSettings?: boolean;
}

/**
 * Creates a connection, or updates the one for the same connector and external account (installing
 * twice is a re-install, not a second connection). Everything is checked before anything is written:
 * settings and credentials against the connector's manifest, then the connector's own checks and
 * set-up (`checkConnection`, `onConnect`) against the proposed configuration, under the id the row
 * has or will get. Only then is the row written, sealed, with the default-3PL choice, in one
 * transaction. A refused or failed change stores nothing, and an existing connection keeps working
 * as it was: a live store must not stop taking orders because of a typo in a re-posted URL.
 */
export async function saveConnection(
  hub: Pick<Hub, 'connections' | 'db' | 'log' | 'registry'>,
  input: ConnectionInput,
): Promise<Connection> {
  const connector = hub.registry.get(input.connector);
  if (!connector)
    throw new ConnectionInputError('unknown_connector', `no connector named ${input.connector}`);
  const existing = await hub.db
    .selectFrom('connections')
    .selectAll()
    .where('connector', '=', connector.manifest.name)
    .where('external_account', '=', input.externalAccount)
    .executeTakeFirst();
  if (existing && existing.merchant_id !== input.merchantId) {
    throw new ConnectionInputError(
      'account_taken',
      'this external account is connected to another merchant',
      409,
    );
  }
  // Merged before validation, so schema defaults fill only what neither side set.
  const settings = { ...(input.mergeSettings ? (existing?.settings ?? {}) : {}), ...input.settings };
  const checked = { settings, credentials: input.credentials };
  for (const part of ['settings', 'credentials'] as const) {
    const validate = validatorFor(connector, part);
    if (!validate(checked[part])) {
      // The message names fields, never credential values.
      throw new ConnectionInputError(
        `invalid_${part}`,
        `${part}: ${ajv.errorsText(validate.errors, { dataVar: part })}`,
      );
    }
  }
  const merchant = await hub.db
    .selectFrom('merchants')
    .select('id')
    .where('id', '=', input.merchantId)
    .executeTakeFirst();
  if (!merchant) throw new ConnectionInputError('unknown_merchant', 'no such merchant', 404);

  const now = new Date();
  const proposed: Connection = {
    id: existing?.id ?? randomUUID(),
    merchant_id: input.merchantId,
    connector: connector.manifest.name,
    role: connector.manifest.role,
    external_account: input.externalAccount,
    settings,
    credentials_encrypted: '',
    status: 'active',
    poll_cursor: existing?.poll_cursor ?? null,
    state: existing?.state ?? {},
    created_at: existing?.created_at ?? now,
    updated_at: now,
  };
  const candidate = hub.connections.candidate(proposed, connector, structuredClone(input.credentials));
  await setUp(hub, candidate, existing ?? null);

  const sealed = hub.connections.sealCredentials(candidate.context.credentials);
  const connection = await hub.db.transaction().execute(async (trx) => {
    const row = existing
      ? await trx
          .updateTable('connections')
          .set({
            settings: JSON.stringify(settings),
            credentials_encrypted: sealed,
            status: 'active',
            // Merged, not replaced: the connector may have saved other keys meanwhile (a reconciliation).
            state: sql`state || ${JSON.stringify(candidate.statePatch)}::jsonb`,
            updated_at: new Date(),
          })
          .where('id', '=', existing.id)
          .where('merchant_id', '=', input.merchantId)
          .returningAll()
          .executeTakeFirst()
      : await trx
          .insertInto('connections')
          .values({
            id: proposed.id,
            merchant_id: input.merchantId,
            connector: connector.manifest.name,
            role: connector.manifest.role,
            external_account: input.externalAccount,
            settings: JSON.stringify(settings),
            credentials_encrypted: sealed,
            state: JSON.stringify(candidate.statePatch),
          })
          .onConflict((oc) => oc.columns(['connector', 'external_account']).doNothing())
          .returningAll()
          .executeTakeFirst();
    if (!row) {
      if (!existing) hub.connections.discard(proposed.id);
      // Another request connected (or removed) this account while this one was being set up.
      throw new ConnectionInputError(
        'connection_changed',
        'the connection for this account changed while it was being set up; send the request again',
        409,
      );
    }
    const makeDefault =
      input.defaultFulfillment ??
      (connector.manifest.role === 'fulfillment' &&
        !(
          await trx
            .selectFrom('merchants')
            .select('default_fulfillment_connection_id as d')
            .where('id', '=', input.merchantId)
            .executeTakeFirstOrThrow()
        ).d);
    if (makeDefault && connector.manifest.role === 'fulfillment') {
      await trx
        .updateTable('merchants')
        .set({ default_fulfillment_connection_id: row.id })
        .where('id', '=', input.merchantId)
        .execute();
    }
    return row;
  });
  hub.connections.forget(connection.id);
  return connection;
}

/**
 * The connector's checks, then its set-up, against the candidate. A refused check changed nothing
 * at the platform. A failed set-up may have changed part of it (some webhooks re-armed with a new
 * secret), so an existing active connection is set up again with its stored configuration.
 */
async function setUp(
  hub: Pick<Hub, 'connections' | 'db' | 'log' | 'registry'>,
  candidate: CandidateConnection,
  existing: Connection | null,
): Promise<void> {
  const { connector } = candidate;
  const progress: { stage: 'check' | 'set-up' } = { stage: 'check' };
  try {
    await hub.connections.settingUp(candidate, async () => {
      if (connector.checkConnection) {
        await hub.connections.call(candidate, () => connector.checkConnection!(candidate.context));
      }
      progress.stage = 'set-up';
      if (connector.onConnect) {
        await hub.connections.call(candidate, () => connector.onConnect!(candidate.context));
      }
    });
  } catch (error) {
    let outcome = existing ? 'The connection is unchanged.' : 'Nothing was stored.';
    if (!existing) hub.connections.discard(candidate.row.id);
    else if (progress.stage === 'set-up' && existing.status === 'active' && connector.onConnect) {
      outcome = await restore(hub, existing.id);
    }
    hub.log.warn(
      {
        connectionId: candidate.row.id,
        connector: candidate.row.connector,
        stage: progress.stage,
        err: error instanceof ConnectorError ? { code: error.code, message: error.message } : error,
      },
      'connection change refused',
    );
    if (error instanceof ConnectorError) {
      throw new ConnectionInputError(
        error.code,
        `could not set up the connection: ${error.message}. ${outcome}`,
        422,
      );
    }
    throw error;
  }
}

/** Sets the stored, working configuration up again at the platform; says how that went. */
async function restore(
  hub: Pick<Hub, 'connections' | 'db' | 'log' | 'registry'>,
  connectionId: string,
): Promise<string> {
  hub.connections.forget(connectionId);
  const loaded = await hub.connections.get(connectionId);
  if (!loaded?.connector.onConnect) return 'The previous configuration stays active.';
  try {
    await hub.connections.call(loaded, () => loaded.connector.onConnect!(loaded.context));
    return 'The previous configuration stays active, and was set up at the platform again.';
  } catch (error) {
    hub.log.error(
      {
        connectionId,
        err: error instanceof ConnectorError ? { code: error.code, message: error.message } : error,
      },
      'could not set the previous configuration up again',
    );
    const code = error instanceof ConnectorError ? error.code : 'error';
    return `The previous configuration stays active, but setting it up at the platform again failed too (${code}); the next reconciliation repairs what it can.`;
  }
}

export function webhookUrlFor(publicUrl: string, connection: Pick<Connection, 'connector' | 'id'>): string {
  return `${publicUrl}/webhooks/${connection.connector}/${connection.id}`;
}
