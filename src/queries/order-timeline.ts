import type { Kysely } from 'kysely';
import type { Database } from '../db/types.ts';
import type { MerchantScope } from '../http/scope.ts';
import { orderSerialKey, shipmentSerialKey } from '../sdk/event-keys.ts';
import { orderQueries } from './orders.ts';

/** The most entries of each kind shown on one order's timeline. */
const SHOWN = 200;

export type TimelineEntry =
  | {
      kind: 'delivery';
      at: Date;
      id: string;
      connectionId: string | null;
      connector: string;
      topic: string | null;
      status: string;
      attempts: number;
      error: string | null;
    }
  | { kind: 'event'; at: Date; id: string; type: string; detail: Record<string, unknown> }
  | {
      kind: 'outbound';
      at: Date;
      id: string;
      connectionId: string;
      connector: string;
      operation: string;
      status: string;
      httpStatus: number | null;
      durationMs: number;
      error: string | null;
    };

/**
 * One order's timeline: the deliveries that concern it (found by serial key, like
 * `failedDeliveriesOf`, but of every outcome), its state transitions (`order_events`) and every
 * call the hub made about it (`outbound_calls`), oldest first. Undefined when the scope cannot
 * see the order, so a caller cannot forget the tenant check.
 */
export async function orderTimeline(
  db: Kysely<Database>,
  scope: MerchantScope,
  orderId: string,
): Promise<TimelineEntry[] | undefined> {
  const order = await orderQueries(db).find(scope, orderId);
  if (!order) return undefined;
  const shipments = await db
    .selectFrom('shipments')
    .select(['id', 'fulfillment_connection_id'])
    .where('order_id', '=', order.id)
    .execute();
  const [deliveries, events, calls] = await Promise.all([
    db
      .selectFrom('deliveries')
      .select([
        'id',
        'connection_id',
        'connector',
        'topic',
        'status',
        'attempts',
        'last_error',
        'received_at',
      ])
      .where((eb) =>
        eb.or([
          eb.and([
            eb('connection_id', '=', order.storefront_connection_id),
            eb('serial_key', '=', orderSerialKey(order.source_order_id)),
          ]),
          ...shipments.map((shipment) =>
            eb.and([
              eb('connection_id', '=', shipment.fulfillment_connection_id),
              eb('serial_key', '=', shipmentSerialKey(shipment.id)),
            ]),
          ),
        ]),
      )
      .orderBy('received_at')
      .limit(SHOWN)
      .execute(),
    db
      .selectFrom('order_events')
      .selectAll()
      .where('order_id', '=', order.id)
      .orderBy('id')
      .limit(SHOWN)
      .execute(),
    db
      .selectFrom('outbound_calls')
      .selectAll()
      .where('order_id', '=', order.id)
      .orderBy('created_at')
      .limit(SHOWN)
      .execute(),
  ]);
  const entries: TimelineEntry[] = [
    ...deliveries.map((d) => ({
      kind: 'delivery' as const,
      at: d.received_at,
      id: d.id,
      connectionId: d.connection_id,
      connector: d.connector,
      topic: d.topic,
      status: d.status,
      attempts: d.attempts,
      error: d.last_error,
    })),
    ...events.map((e) => ({
      kind: 'event' as const,
      at: e.created_at,
      id: e.id,
      type: e.type,
      detail: e.detail,
    })),
    ...calls.map((c) => ({
      kind: 'outbound' as const,
      at: c.created_at,
      id: c.id,
      connectionId: c.connection_id,
      connector: c.connector,
      operation: c.operation,
      status: c.status,
      httpStatus: c.http_status,
      durationMs: c.duration_ms,
      error: c.error,
    })),
  ];
  // Stable sort: entries of one instant keep their kind's own order.
  return entries.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** The 3PL connections each of these orders has shipments at. */
export async function fulfillmentConnectionsOf(
  db: Kysely<Database>,
  orderIds: string[],
): Promise<Map<string, string[]>> {
  const byOrder = new Map<string, string[]>();
  if (!orderIds.length) return byOrder;
  const rows = await db
    .selectFrom('shipments')
    .select(['order_id', 'fulfillment_connection_id'])
    .distinct()
    .where('order_id', 'in', orderIds)
    .execute();
  for (const row of rows)
    byOrder.set(row.order_id, [...(byOrder.get(row.order_id) ?? []), row.fulfillment_connection_id]);
  return byOrder;
}
