import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { CanonicalEvent, HealthReport } from '../../sdk/contracts.ts';
import { pollDedupeKey, serialKeyOfEvent } from '../../sdk/event-keys.ts';
import {
  claimReconciliation,
  describeFailure,
  type ReconciliationRecord,
  recordReconciliation,
} from '../connection-health.ts';
import type { Hub } from '../hub.ts';
import { acceptDelivery } from '../ingest/inbox.ts';
import { isUuid } from '../ingest/ingest.ts';
import { enqueue, type JobHandler } from '../jobs.ts';
import { portOf } from '../ports/connection-port.ts';
import { syncLocations } from './sync-locations.ts';

/**
 * Webhooks are hints; this is the truth. Each connection is asked what changed since its cursor,
 * and the answer goes through the same inbox as a webhook would (a delivery with source `poll`,
 * deduplicated, replayable), so both paths apply a change exactly once.
 */
export function reconcileHandler(
  hub: Pick<Hub, 'boss' | 'connections' | 'db' | 'metrics' | 'log'>,
): JobHandler<'reconcile'> {
  return {
    async run({ connectionId }, { log }) {
      if (!connectionId) {
        const active = await hub.db
          .selectFrom('connections')
          .select('id')
          .where('status', '=', 'active')
          .execute();
        for (const { id } of active)
          await enqueue(hub.boss, 'reconcile', { connectionId: id }, { serialKey: id });
        return;
      }
      const outcome = await reconcileConnection(hub, connectionId, 'job', log);
      if (outcome.kind === 'busy') log.info({ connectionId }, 'a reconciliation is already running');
      // The job's own retries (with backoff) are the way out of a platform that is down.
      if (outcome.kind === 'failed') throw outcome.error;
    },
  };
}

export interface ReconcileReport extends ReconciliationRecord {
  connectionId: string;
  cursor: { before: string | null; after: string | null };
}

export type ReconcileOutcome =
  | { kind: 'not_found' }
  | { kind: 'inactive'; status: string }
  | { kind: 'busy'; until: Date | null }
  | { kind: 'completed'; report: ReconcileReport }
  | { kind: 'failed'; report: ReconcileReport; error: unknown };

/**
 * One reconciliation of one connection, from the schedule or from ops (`POST /reconcile`): repair
 * what the platform disabled (the connector's health check), poll for what webhooks missed, and
 * record what it found on the connection's health. Two never run at once for a connection.
 */
export async function reconcileConnection(
  hub: Pick<Hub, 'boss' | 'connections' | 'db' | 'metrics' | 'log'>,
  connectionId: string,
  trigger: 'job' | 'api',
  log: Logger,
): Promise<ReconcileOutcome> {
  const source = await hub.connections.get(connectionId);
  if (!source) return { kind: 'not_found' };
  if (source.row.status !== 'active') return { kind: 'inactive', status: source.row.status };
  const claim = await claimReconciliation(hub.db, source.row);
  if (!claim.claimed) return { kind: 'busy', until: claim.until };

  const startedAt = new Date();
  const cursor = source.row.poll_cursor;
  const report: ReconcileReport = {
    connectionId,
    trigger,
    outcome: 'completed',
    startedAt,
    finishedAt: startedAt,
    polled: 0,
    recorded: 0,
    recovered: {},
    error: null,
    health: null,
    cursor: { before: cursor, after: cursor },
  };
  try {
    const port = portOf(hub, source);
    if (port.checkHealth) {
      // Webhooks a platform disabled or deleted are put back before we look for what they missed.
      const health: HealthReport = await port.checkHealth();
      report.health = health;
      if (!health.healthy || health.repaired.length > 0) {
        log.warn({ connectionId, repaired: health.repaired, healthy: health.healthy }, 'connection repaired');
      }
    }
    const result = await port.pollSince(cursor);
    report.polled = result.events.length;
    const news = await eventsNewToTheHub(hub, source.row.id, result.events);
    await hub.db.transaction().execute(async (trx) => {
      for (const [index, event] of result.events.entries()) {
        const accepted = await acceptDelivery(hub.boss, trx, {
          merchantId: source.row.merchant_id,
          connectionId: source.row.id,
          connector: source.row.connector,
          source: 'poll',
          topic: event.type,
          dedupeKey: pollDedupeKey(event),
          serialKey: serialKeyOfEvent(event),
          headers: {},
          body: Buffer.from(JSON.stringify([event])),
        });
        if (!accepted) continue;
        report.recorded += 1;
        if (news[index]) report.recovered[event.type] = (report.recovered[event.type] ?? 0) + 1;
      }
      if (result.nextCursor && result.nextCursor !== cursor) {
        await trx
          .updateTable('connections')
          .set({ poll_cursor: result.nextCursor })
          .where('id', '=', source.row.id)
          // A reconciliation that started from another cursor (an expired claim) never moves it back.
          .where(sql<boolean>`poll_cursor is not distinct from ${cursor}`)
          .execute();
        report.cursor.after = result.nextCursor;
      }
    });
    if (result.nextCursor) hub.connections.forget(source.row.id);
    await syncLocations(hub, source).catch((error: unknown) =>
      // Locations are a description of the 3PL, not news: a failed listing leaves the held ones.
      log.warn({ connectionId, err: error }, 'listing the 3PL locations failed'),
    );
  } catch (error) {
    report.outcome = 'failed';
    report.error = describeFailure(error);
    report.finishedAt = new Date();
    await recordReconciliation(hub.db, connectionId, report);
    return { kind: 'failed', report, error };
  }
  report.finishedAt = new Date();
  await recordReconciliation(hub.db, connectionId, report);
  log.info(
    {
      connectionId,
      trigger,
      polled: report.polled,
      recorded: report.recorded,
      recovered: report.recovered,
      cursor: report.cursor.after,
    },
    'reconciled',
  );
  return { kind: 'completed', report };
}

/**
 * Which polled events tell the hub something it did not know: an order it does not hold at that
 * version, a shipment not in that state. The rest were already delivered by a webhook (a poll
 * always sees them again). Other events count as news when they are recorded.
 */
async function eventsNewToTheHub(
  hub: Pick<Hub, 'boss' | 'connections' | 'db' | 'metrics' | 'log'>,
  connectionId: string,
  events: CanonicalEvent[],
) {
  const orderIds = new Set<string>();
  const shipmentIds = new Set<string>();
  for (const event of events) {
    if (event.type === 'order.upserted') orderIds.add(event.order.sourceOrderId);
    if (event.type === 'order.cancelled') orderIds.add(event.sourceOrderId);
    if (event.type === 'shipment.updated' && isUuid(event.reference)) shipmentIds.add(event.reference);
  }
  const [orders, shipments] = await Promise.all([
    orderIds.size === 0
      ? []
      : hub.db
          .selectFrom('orders')
          .select(['source_order_id', 'source_updated_at', 'cancelled'])
          .where('storefront_connection_id', '=', connectionId)
          .where('source_order_id', 'in', [...orderIds])
          .execute(),
    shipmentIds.size === 0
      ? []
      : hub.db
          .selectFrom('shipments')
          .select(['id', 'status', 'tracking_number'])
          .where('fulfillment_connection_id', '=', connectionId)
          .where('id', 'in', [...shipmentIds])
          .execute(),
  ]);
  const held = new Map(orders.map((o) => [o.source_order_id, o]));
  const known = new Map(shipments.map((s) => [s.id, s]));
  return events.map((event) => {
    switch (event.type) {
      case 'order.upserted': {
        const order = held.get(event.order.sourceOrderId);
        return !order || new Date(event.order.sourceUpdatedAt) > new Date(order.source_updated_at);
      }
      case 'order.cancelled': {
        const order = held.get(event.sourceOrderId);
        return !order?.cancelled;
      }
      case 'shipment.updated': {
        const shipment = known.get(event.reference);
        return (
          !shipment ||
          shipment.status !== event.status ||
          (event.tracking !== null && event.tracking.number !== shipment.tracking_number)
        );
      }
      default:
        return true;
    }
  });
}
