import type { Kysely } from 'kysely';
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { Database, DeliveryStatus } from '../../db/types.ts';
import type { InboundRequest, VerifyFailure } from '../../sdk/contracts.ts';
import { MalformedPayloadError } from '../../sdk/errors.ts';
import { isStorableText } from '../../sdk/payload.ts';
import type { ConnectionStore } from '../connection-store.ts';
import { enqueue } from '../jobs.ts';

export type RejectReason =
  | VerifyFailure
  | 'unknown_connection'
  | 'connection_pending'
  | 'body_too_large'
  | 'malformed_payload';

export interface IngestOutcome {
  status: number;
  deliveryId: string;
  outcome: 'accepted' | 'duplicate' | 'ignored' | 'rejected';
  reason?: RejectReason;
  message?: string;
}

export const SUB_PATH_HEADER = 'x-hub-sub-path';

// Header names that carry secrets: kept in the record as present, never with their value.
const SECRET_HEADER = /signature|hmac|authorization|cookie|token|secret|api[-_]?key/i;

export function headersForRecord(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    kept[name] = SECRET_HEADER.test(name) ? '[redacted]' : Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

export interface IngestDeps {
  db: Kysely<Database>;
  boss: PgBoss;
  connections: ConnectionStore;
  log: Logger;
}

/**
 * The webhook path: verify on the raw bytes, then persist the delivery and the job that will apply
 * it in one transaction, then answer. It makes no outbound call and applies nothing, so the answer
 * comes well within a storefront's deadline, and an acknowledged delivery is never lost.
 */
export async function ingestWebhook(
  deps: IngestDeps,
  input: { connectorName: string; connectionId: string; request: InboundRequest },
): Promise<IngestOutcome> {
  const { request } = input;
  // The sub-path is kept with the headers, so the apply job hands it back to the connector.
  const headers = {
    ...headersForRecord(request.headers),
    ...(request.subPath ? { [SUB_PATH_HEADER]: request.subPath } : {}),
  };
  const loaded = isUuid(input.connectionId)
    ? await deps.connections.get(input.connectionId, input.connectorName)
    : null;
  // An uninstalled connection still receives (privacy requests come days after an uninstall).
  const live = loaded && loaded.row.status !== 'disabled' ? loaded : null;
  // A connection being set up is not stored yet, but its platform may already call it: WooCommerce
  // pings every webhook it creates, and a re-armed webhook signs with the proposed secret.
  const candidates = deps.connections.candidatesFor(input.connectionId, input.connectorName);
  if (!live && candidates.length === 0) {
    return recordRejection(deps, {
      connector: input.connectorName,
      connectionId: null,
      merchantId: null,
      headers,
      bodySize: request.rawBody.length,
      status: 404,
      reason: 'unknown_connection',
      message: 'no active connection with this id for this connector',
    });
  }
  const readers = [...(live ? [live] : []), ...candidates];
  let reader = readers[0]!;
  let verified = await reader.connector.verifyWebhook(request, reader.context);
  for (const other of readers.slice(1)) {
    if (verified.ok) break;
    const attempt = await other.connector.verifyWebhook(request, other.context);
    if (attempt.ok) [reader, verified] = [other, attempt];
  }
  const { connector, context } = reader;
  const base = {
    connector: input.connectorName,
    // A delivery row may point only at a stored connection.
    connectionId: loaded?.row.id ?? null,
    merchantId: reader.row.merchant_id,
    headers,
    bodySize: request.rawBody.length,
  };

  if (!verified.ok) {
    // A forged or misconfigured delivery: recorded for ops, its body not kept.
    return recordRejection(deps, {
      ...base,
      status: 401,
      reason: verified.reason,
      message: verified.message,
    });
  }

  let parsed: ReturnType<typeof connector.parseWebhook>;
  try {
    parsed = storableKeys(connector.parseWebhook(request, context));
  } catch (error) {
    if (!(error instanceof MalformedPayloadError)) throw error;
    return recordRejection(deps, {
      ...base,
      status: 400,
      reason: 'malformed_payload',
      message: error.message,
      body: request.rawBody,
    });
  }

  if (parsed.nothingToApply) {
    const id = await insertDelivery(deps.db, {
      ...base,
      topic: parsed.topic,
      dedupeKey: null,
      serialKey: null,
      body: request.rawBody,
      status: 'ignored',
      httpStatus: 200,
    });
    return { status: 200, deliveryId: id, outcome: 'ignored' };
  }
  if (!live) {
    // Nowhere to apply it yet; a platform that retries sends it again once the connection is stored.
    return recordRejection(deps, {
      ...base,
      status: 503,
      reason: 'connection_pending',
      message: 'the connection is still being set up',
    });
  }
  const { row } = live;

  return deps.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('deliveries')
      .values({
        merchant_id: row.merchant_id,
        connection_id: row.id,
        connector: row.connector,
        topic: parsed.topic,
        dedupe_key: parsed.dedupeKey,
        serial_key: parsed.serialKey,
        headers: JSON.stringify(headers),
        body: request.rawBody,
        body_size: request.rawBody.length,
        status: 'received',
        http_status: 200,
      })
      .onConflict((oc) =>
        oc
          .columns(['connection_id', 'dedupe_key'])
          .where('duplicate_of', 'is', null)
          .where('dedupe_key', 'is not', null)
          .doNothing(),
      )
      .returning('id')
      .executeTakeFirst();
    if (inserted) {
      await enqueue(
        deps.boss,
        'apply-delivery',
        { deliveryId: inserted.id },
        {
          serialKey: `${row.id}:${parsed.serialKey ?? inserted.id}`,
          trx,
        },
      );
      return { status: 200, deliveryId: inserted.id, outcome: 'accepted' as const };
    }
    const original = await trx
      .selectFrom('deliveries')
      .select('id')
      .where('connection_id', '=', row.id)
      .where('dedupe_key', '=', parsed.dedupeKey)
      .where('duplicate_of', 'is', null)
      .executeTakeFirstOrThrow();
    const duplicate = await trx
      .insertInto('deliveries')
      .values({
        merchant_id: row.merchant_id,
        connection_id: row.id,
        connector: row.connector,
        topic: parsed.topic,
        dedupe_key: parsed.dedupeKey,
        serial_key: parsed.serialKey,
        duplicate_of: original.id,
        headers: JSON.stringify(headers),
        body: null,
        body_size: request.rawBody.length,
        status: 'duplicate',
        http_status: 200,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { status: 200, deliveryId: duplicate.id, outcome: 'duplicate' as const };
  });
}

export async function recordRejection(
  deps: Pick<IngestDeps, 'db' | 'log'>,
  input: {
    connector: string;
    connectionId: string | null;
    merchantId: string | null;
    headers: Record<string, string>;
    bodySize: number;
    status: number;
    reason: RejectReason;
    message: string;
    body?: Buffer;
  },
): Promise<IngestOutcome> {
  const id = await insertDelivery(deps.db, {
    connector: input.connector,
    connectionId: input.connectionId,
    merchantId: input.merchantId,
    headers: input.headers,
    bodySize: input.bodySize,
    topic:
      input.headers['x-shopify-topic'] ??
      input.headers['x-wc-webhook-topic'] ??
      input.headers['x-sandbox-topic'] ??
      null,
    dedupeKey: null,
    serialKey: null,
    body: input.body ?? null,
    status: 'rejected',
    httpStatus: input.status,
    rejectReason: input.reason,
    error: input.message,
  });
  deps.log.warn(
    { deliveryId: id, connector: input.connector, connectionId: input.connectionId, reason: input.reason },
    'webhook rejected',
  );
  return {
    status: input.status,
    deliveryId: id,
    outcome: 'rejected',
    reason: input.reason,
    message: input.message,
  };
}

async function insertDelivery(
  db: Kysely<Database>,
  input: {
    connector: string;
    connectionId: string | null;
    merchantId: string | null;
    headers: Record<string, string>;
    bodySize: number;
    topic: string | null;
    dedupeKey: string | null;
    serialKey: string | null;
    body: Buffer | null;
    status: DeliveryStatus;
    httpStatus: number;
    rejectReason?: string;
    error?: string;
  },
): Promise<string> {
  const row = await db
    .insertInto('deliveries')
    .values({
      merchant_id: input.merchantId,
      connection_id: input.connectionId,
      connector: input.connector,
      topic: input.topic,
      dedupe_key: input.dedupeKey,
      serial_key: input.serialKey,
      headers: JSON.stringify(input.headers),
      body: input.body,
      body_size: input.bodySize,
      status: input.status,
      http_status: input.httpStatus,
      reject_reason: input.rejectReason ?? null,
      last_error: input.error ?? null,
      processed_at: input.status === 'ignored' ? new Date() : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * The keys a connector reads from the delivery are stored and indexed as they are: one the
 * database would refuse (a NUL, a broken surrogate, longer than an index row holds) is the
 * sender's, and refused as such rather than failing the insert with a 500.
 */
function storableKeys<T extends { topic: string; dedupeKey: string; serialKey: string | null }>(
  parsed: T,
): T {
  for (const [name, value] of [
    ['topic', parsed.topic],
    ['dedupe key', parsed.dedupeKey],
    ['serial key', parsed.serialKey],
  ] as const) {
    if (value !== null && !isStorableText(value, 500)) {
      throw new MalformedPayloadError(`the delivery's ${name} is over 500 characters or not storable text`);
    }
  }
  return parsed;
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
