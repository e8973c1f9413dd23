import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { Database } from '../db/types.ts';
import { orderSerialKey, shipmentSerialKey } from '../sdk/event-keys.ts';

/**
 * Which deliveries concern an order (the serial keys of `src/sdk/event-keys.ts`): those its storefront sent about it (serial key
 * `order:<source order id>`) and those its 3PLs sent about its shipments (`shipment:<shipment id>`,
 * our reference). The serial key is read from the payload when the delivery arrives, so a delivery
 * that failed before any order row existed, or before it could name one, is still found once the
 * order exists; a link written while applying would be missing exactly for those.
 */

const FAILED = ['failed', 'dead'] as const;
/** The most failed deliveries shown with one order. */
const SHOWN = 50;

export async function failedDeliveriesOf(
  db: Kysely<Database>,
  order: { id: string; storefront_connection_id: string; source_order_id: string },
) {
  const shipments = await db
    .selectFrom('shipments')
    .select(['id', 'fulfillment_connection_id'])
    .where('order_id', '=', order.id)
    .execute();
  return db
    .selectFrom('deliveries')
    .select([
      'id',
      'connection_id',
      'connector',
      'source',
      'topic',
      'status',
      'attempts',
      'last_error',
      'received_at',
    ])
    .where('status', 'in', FAILED)
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
    .orderBy('received_at', 'desc')
    .limit(SHOWN)
    .execute();
}

/**
 * The list filter: orders with a failed or dead delivery. Driven from the failed deliveries (few,
 * and indexed) rather than probing every order.
 */
export function hasFailedDelivery(eb: ExpressionBuilder<Database, 'orders'>) {
  return eb(
    'orders.id',
    'in',
    sql<string>`(
      select o.id from deliveries d
      join orders o on o.storefront_connection_id = d.connection_id
        and o.source_order_id = substr(d.serial_key, 7)
      where d.status in ('failed', 'dead') and d.serial_key like 'order:%'
      union
      select s.order_id from deliveries d
      join shipments s on s.fulfillment_connection_id = d.connection_id
        and s.id = case when substr(d.serial_key, 10) ~ '^[0-9a-fA-F-]{36}$' then substr(d.serial_key, 10)::uuid end
      where d.status in ('failed', 'dead') and d.serial_key like 'shipment:%'
    )`,
  );
}
