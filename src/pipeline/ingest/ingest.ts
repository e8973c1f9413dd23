import type { Kysely } from 'kysely';
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { Database } from '../../db/types.ts';
import type { InboundRequest, VerifyFailure } from '../../sdk/contracts.ts';
import { MalformedPayloadError } from '../../sdk/errors.ts';
import { isStorableText } from '../../sdk/payload.ts';
import { isSecretHeader } from '../../secret-headers.ts';
import type { ConnectionStore } from '../connection-store.ts';
import type { ConnectorRegistry } from '../registry.ts';
import { acceptDelivery, originalDelivery, recordDelivery } from './inbox.ts';

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

/**
 * The headers as stored with a delivery: every value kept, except those of secret headers (by
 * name, or declared by the connector's manifest), kept as present with `[redacted]`.
 */
export function headersForRecord(
  headers: Record<string, string | string[] | undefined>,
  secretHeaders: readonly string[] = [],
): Record<string, string> {
  const declared = new Set(secretHeaders.map((name) => name.toLowerCase()));
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    kept[name] = isSecretHeader(name, declared)
      ? '[redacted]'
      : Array.isArray(value)
        ? value.join(', ')
        : value;
  }
  return kept;
}

export interface IngestDeps {
  db: Kysely<Database>;
  boss: PgBoss;
  connections: ConnectionStore;
  registry: ConnectorRegistry;
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
  const manifest = deps.registry.get(input.connectorName)?.manifest;
  const headers = headersForRecord(request.headers, manifest?.webhookHeaders?.secret);
  // Kept in its own column, so the apply job hands it back to the connector.
  const subPath = request.subPath ?? null;
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
      subPath,
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
    subPath,
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
    const id = await recordDelivery(deps.db, {
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
    const entry = {
      merchantId: row.merchant_id,
      connectionId: row.id,
      connector: row.connector,
      source: 'webhook' as const,
      topic: parsed.topic,
      dedupeKey: parsed.dedupeKey,
      serialKey: parsed.serialKey,
      headers,
      subPath,
      body: request.rawBody,
    };
    const accepted = await acceptDelivery(deps.boss, trx, entry);
    if (accepted) return { status: 200, deliveryId: accepted, outcome: 'accepted' as const };
    // A repeat: recorded as such, pointing at the first, without its body.
    const duplicate = await recordDelivery(trx, {
      ...entry,
      bodySize: request.rawBody.length,
      duplicateOf: await originalDelivery(trx, row.id, parsed.dedupeKey),
      body: null,
      status: 'duplicate',
      httpStatus: 200,
    });
    return { status: 200, deliveryId: duplicate, outcome: 'duplicate' as const };
  });
}

export async function recordRejection(
  deps: Pick<IngestDeps, 'db' | 'log' | 'registry'>,
  input: {
    connector: string;
    connectionId: string | null;
    merchantId: string | null;
    headers: Record<string, string>;
    subPath?: string | null;
    bodySize: number;
    status: number;
    reason: RejectReason;
    message: string;
    body?: Buffer;
  },
): Promise<IngestOutcome> {
  // The connector has not read the delivery: its manifest says which header names the topic.
  const declared = deps.registry.get(input.connector)?.manifest.webhookHeaders;
  const id = await recordDelivery(deps.db, {
    connector: input.connector,
    connectionId: input.connectionId,
    merchantId: input.merchantId,
    headers: headersForRecord(input.headers, declared?.secret),
    subPath: input.subPath ?? null,
    bodySize: input.bodySize,
    topic: (declared?.topic ? input.headers[declared.topic.toLowerCase()] : undefined) ?? null,
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
