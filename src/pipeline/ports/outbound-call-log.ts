import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database, OutboundCallStatus } from '../../db/types.ts';
import type { Metrics } from '../../metrics.ts';
import { ConnectorError } from '../../sdk/errors.ts';

/**
 * The outbound call log (`outbound_calls`): one row per call a port made to a storefront or 3PL
 * API. It is a record, not part of the business step: a failed write is logged and counted
 * (`hub_outbound_call_records_failed_total`) and the call's own result stands.
 */

/** How long rows are kept; they hold no customer data, so longer than delivery bodies. */
export const OUTBOUND_CALL_RETENTION_DAYS = 90;

/** Errors are stored this short: enough to group and read on the dashboard. */
const ERROR_TEXT_MAX = 200;

export interface OutboundCallEntry {
  merchantId: string;
  connectionId: string;
  connector: string;
  operation: string;
  orderId?: string | null;
  shipmentId?: string | null;
  idempotencyKey?: string | null;
  status: OutboundCallStatus;
  httpStatus: number | null;
  durationMs: number;
  error: string | null;
}

export interface OutboundCallLogDeps {
  db: Kysely<Database>;
  log: Logger;
  metrics: Pick<Metrics, 'outboundRecordFailures'>;
}

/** Writes one row; never throws. */
export async function recordOutboundCall(deps: OutboundCallLogDeps, entry: OutboundCallEntry): Promise<void> {
  try {
    await deps.db
      .insertInto('outbound_calls')
      .values({
        merchant_id: entry.merchantId,
        connection_id: entry.connectionId,
        connector: entry.connector,
        operation: entry.operation,
        order_id: entry.orderId ?? null,
        shipment_id: entry.shipmentId ?? null,
        idempotency_key: entry.idempotencyKey ?? null,
        status: entry.status,
        http_status: entry.httpStatus,
        duration_ms: Math.max(0, Math.round(entry.durationMs)),
        error: entry.error,
      })
      .execute();
  } catch (error) {
    deps.metrics.outboundRecordFailures.inc({ connector: entry.connector });
    deps.log.warn(
      { err: error, connectionId: entry.connectionId, operation: entry.operation, status: entry.status },
      'outbound call not recorded',
    );
  }
}

/** The status a call's failure is recorded with: the connector's class, or `error` for a bug. */
export function callStatusOf(error: unknown): OutboundCallStatus {
  return error instanceof ConnectorError ? error.errorClass : 'error';
}

/** The HTTP status the remote answered, where the connector's error says (`context.status`). */
export function httpStatusOf(error: unknown): number | null {
  if (!(error instanceof ConnectorError)) return null;
  const status = error.context.status;
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599
    ? status
    : null;
}

/**
 * The short error text kept for a failed call. A connector's error carries our code and a message
 * its author wrote (the remote body stays in `context`, which is not stored). Any other error is
 * stored by its name only: its message may quote what the remote sent (a JSON parse error does).
 */
export function errorTextOf(error: unknown): string {
  if (error instanceof ConnectorError) return `${error.code}: ${error.message}`.slice(0, ERROR_TEXT_MAX);
  return `unexpected: ${error instanceof Error ? error.name : typeof error}`;
}

export interface DeleteExpiredOptions {
  retentionDays?: number;
  /** Rows deleted per statement. */
  batchSize?: number;
  /** Statements per run; what is left waits for the next run. */
  maxBatches?: number;
  now?: Date;
}

/**
 * Deletes rows older than the retention period, in small batches so the table is never locked
 * for long (the retention job runs it hourly); returns how many.
 */
export async function deleteExpiredOutboundCalls(
  db: Kysely<Database>,
  options: DeleteExpiredOptions = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 1_000;
  const maxBatches = options.maxBatches ?? 100;
  const retentionDays = options.retentionDays ?? OUTBOUND_CALL_RETENTION_DAYS;
  const cutoff = new Date((options.now ?? new Date()).getTime() - retentionDays * 86_400_000);
  let deleted = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const result = await db
      .deleteFrom('outbound_calls')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('outbound_calls')
          .select('id')
          .where('created_at', '<', cutoff)
          .orderBy('created_at')
          .limit(batchSize),
      )
      .executeTakeFirst();
    const count = Number(result.numDeletedRows);
    deleted += count;
    if (count < batchSize) break;
  }
  return deleted;
}
