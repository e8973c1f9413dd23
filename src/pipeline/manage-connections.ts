import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Connection } from '../db/types.ts';
import type { Connector } from '../sdk/contracts.ts';
import { ConnectorError } from '../sdk/errors.ts';
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
 * twice is a re-install, not a second connection). Settings and credentials are checked against
 * the connector's manifest; credentials are sealed before they touch the database.
 */
export async function saveConnection(hub: Hub, input: ConnectionInput): Promise<Connection> {
  const connector = hub.registry.get(input.connector);
  if (!connector)
    throw new ConnectionInputError('unknown_connector', `no connector named ${input.connector}`);
  const existing = input.mergeSettings
    ? await hub.db
        .selectFrom('connections')
        .select('settings')
        .where('connector', '=', connector.manifest.name)
        .where('external_account', '=', input.externalAccount)
        .executeTakeFirst()
    : undefined;
  // Merged before validation, so schema defaults fill only what neither side set.
  const settings = { ...(existing?.settings ?? {}), ...input.settings };
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

  const sealed = hub.connections.sealCredentials(input.credentials);
  const connection = await hub.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('connections')
      .values({
        merchant_id: input.merchantId,
        connector: connector.manifest.name,
        role: connector.manifest.role,
        external_account: input.externalAccount,
        settings: JSON.stringify(settings),
        credentials_encrypted: sealed,
      })
      .onConflict((oc) =>
        oc.columns(['connector', 'external_account']).doUpdateSet({
          settings: JSON.stringify(settings),
          credentials_encrypted: sealed,
          status: 'active',
          updated_at: new Date(),
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    if (row.merchant_id !== input.merchantId) {
      throw new ConnectionInputError(
        'account_taken',
        'this external account is connected to another merchant',
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
  await runOnConnect(hub, connection);
  return connection;
}

/**
 * The connector registers what it needs on the platform (webhooks, a fulfillment service). If it
 * cannot, the connection is disabled and the caller is told why: a half-installed connection that
 * looks active would silently receive nothing.
 */
async function runOnConnect(hub: Hub, connection: Connection): Promise<void> {
  const loaded = await hub.connections.get(connection.id);
  if (!loaded?.connector.onConnect) return;
  try {
    await hub.connections.call(loaded, () => loaded.connector.onConnect!(loaded.context));
  } catch (error) {
    await hub.db
      .updateTable('connections')
      .set({ status: 'disabled', updated_at: new Date() })
      .where('id', '=', connection.id)
      .execute();
    hub.connections.forget(connection.id);
    if (error instanceof ConnectorError) {
      throw new ConnectionInputError(error.code, `could not set up the connection: ${error.message}`, 422);
    }
    throw error;
  }
}

export function webhookUrlFor(publicUrl: string, connection: Pick<Connection, 'connector' | 'id'>): string {
  return `${publicUrl}/webhooks/${connection.connector}/${connection.id}`;
}
