import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database, OutboundCallStatus } from '../../db/types.ts';
import type { Metrics } from '../../metrics.ts';
import type { ConnectionStore, LoadedConnection } from '../connection-store.ts';
import { callStatusOf, errorTextOf, httpStatusOf, recordOutboundCall } from './outbound-call-log.ts';

/** What a port needs from the hub: the call queues, the database for the call log, metrics, a log. */
export interface PortDeps {
  db: Kysely<Database>;
  connections: Pick<ConnectionStore, 'call'>;
  metrics: Pick<Metrics, 'outboundDuration' | 'outboundRecordFailures'>;
  log: Logger;
}

/** What a call was about, for the call log and an order's timeline. */
export interface CallSubject {
  orderId?: string | null;
  shipmentId?: string | null;
  /** The key that makes a repeat of this call harmless (our shipment id, a publication key). */
  idempotencyKey?: string | null;
}

/**
 * Runs one contract call the way every outbound call runs: in the connection's rate-limit queue,
 * timed (the call, not its wait in the queue), measured and recorded. The call's result or error
 * is passed on unchanged; recording never fails it.
 */
export async function callThroughPort<T>(
  deps: PortDeps,
  connection: LoadedConnection,
  operation: string,
  subject: CallSubject,
  work: () => Promise<T>,
): Promise<T> {
  let durationMs = 0;
  let status: OutboundCallStatus = 'ok';
  let failure: unknown;
  try {
    return await deps.connections.call(connection, async () => {
      const started = performance.now();
      try {
        return await work();
      } finally {
        durationMs = performance.now() - started;
      }
    });
  } catch (error) {
    status = callStatusOf(error);
    failure = error;
    throw error;
  } finally {
    const connector = connection.row.connector;
    deps.metrics.outboundDuration.observe({ connector, operation, outcome: status }, durationMs / 1000);
    await recordOutboundCall(deps, {
      merchantId: connection.row.merchant_id,
      connectionId: connection.row.id,
      connector,
      operation,
      orderId: subject.orderId,
      shipmentId: subject.shipmentId,
      idempotencyKey: subject.idempotencyKey,
      status,
      httpStatus: status === 'ok' ? null : httpStatusOf(failure),
      durationMs,
      error: status === 'ok' ? null : errorTextOf(failure),
    });
  }
}
