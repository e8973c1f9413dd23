/**
 * 3PL events whose id disagrees with the shipment they name. They are never applied on their own:
 * the order the reference names is held (`remote_id_conflict`) with both ids and the events, and a
 * person releases it with `POST /api/orders/:id/retry`, which trusts our reference: the 3PL's id is
 * bound to the shipment named, and the held events are applied to it.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../../db/types.ts';
import { canMoveOrder, type OrderState } from '../../domain/order-state.ts';
import { rebind } from '../binder.ts';
import type { LoadedConnection } from '../connection-store.ts';
import type { Hub } from '../hub.ts';
import { moveOrderTo } from '../order-status.ts';
import { recordOrderEvent } from '../timeline.ts';
import type { ShipmentEvent } from './apply-shipment-event.ts';
import type { ShipmentMatch } from './match-shipment.ts';

export const CONFLICT_REASON = 'remote_id_conflict';
/** Enough to act on; a 3PL that keeps sending more about one held shipment adds nothing new. */
const MAX_HELD = 20;

export interface HeldConflict {
  connectionId: string;
  shipmentId: string;
  /** The 3PL's id in the event. */
  externalId: string;
  /** The shipment that id is bound to, and its order, when it is bound elsewhere. */
  boundShipmentId: string | null;
  boundOrderId: string | null;
  /** The 3PL id we know the named shipment by, if any. */
  knownExternalId: string | null;
  event: ShipmentEvent;
  heldAt: string;
}

interface HoldDetail {
  message: string;
  /** The order's status and reason before the hold, put back on release. */
  previous: { status: OrderState; reason: string | null };
  conflicts: HeldConflict[];
  release: string;
}

type Conflict = Extract<ShipmentMatch, { kind: 'conflict' }>;

export async function holdShipmentConflict(
  trx: Transaction<Database>,
  input: { connectionId: string; event: ShipmentEvent; match: Conflict },
): Promise<void> {
  const { match, event } = input;
  const shipment = await trx
    .selectFrom('shipments')
    .select(['id', 'order_id', 'merchant_id'])
    .where('id', '=', match.shipmentId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const other = match.boundShipmentId
    ? await trx
        .selectFrom('shipments')
        .select(['id', 'order_id'])
        .where('id', '=', match.boundShipmentId)
        .executeTakeFirst()
    : undefined;
  const order = await trx
    .selectFrom('orders')
    .select(['id', 'merchant_id', 'status', 'status_reason', 'status_detail'])
    .where('id', '=', shipment.order_id)
    .forUpdate()
    .executeTakeFirstOrThrow();

  const conflict: HeldConflict = {
    connectionId: input.connectionId,
    shipmentId: shipment.id,
    externalId: event.externalId,
    boundShipmentId: match.boundShipmentId,
    boundOrderId: other?.order_id ?? null,
    knownExternalId: match.knownExternalId,
    event,
    heldAt: new Date().toISOString(),
  };
  const already =
    order.status_reason === CONFLICT_REASON ? (order.status_detail as unknown as HoldDetail) : null;
  const detail: HoldDetail = {
    message:
      match.reason === 'bound_elsewhere'
        ? `the 3PL sent ${event.externalId} for shipment ${shipment.id}, but ${event.externalId} is bound to shipment ${match.boundShipmentId}`
        : `the 3PL sent ${event.externalId} for shipment ${shipment.id}, which it knows as ${match.knownExternalId}`,
    previous: already?.previous ?? { status: order.status, reason: order.status_reason },
    // The same news again (a webhook and then a poll) replaces its earlier copy.
    conflicts: [...(already?.conflicts ?? []).filter((held) => !sameNews(held, conflict)), conflict].slice(
      -MAX_HELD,
    ),
    release: `POST /api/orders/${order.id}/retry trusts the hub's reference: it binds the 3PL's id to the shipment named and applies the held events`,
  };
  const moves = !already && canMoveOrder(order.status, 'exception');
  await trx
    .updateTable('orders')
    .set({
      ...(moves ? { status: 'exception' } : {}),
      status_reason: CONFLICT_REASON,
      status_detail: JSON.stringify(detail),
      updated_at: new Date(),
    })
    .where('id', '=', order.id)
    .execute();
  await recordOrderEvent(trx, {
    merchantId: order.merchant_id,
    orderId: order.id,
    type: 'shipment.event_conflict',
    detail: {
      held: true,
      reason: match.reason,
      shipmentId: shipment.id,
      externalId: event.externalId,
      boundShipmentId: match.boundShipmentId,
      knownExternalId: match.knownExternalId,
      status: event.status,
      ...(event.tracking ? { trackingNumber: event.tracking.number } : {}),
    },
  });
  if (moves) {
    await recordOrderEvent(trx, {
      merchantId: order.merchant_id,
      orderId: order.id,
      type: 'order.exception',
      detail: { from: order.status, reason: CONFLICT_REASON },
    });
  }
  if (other) {
    // The order the id is bound to keeps everything; its timeline says an event used its id.
    await recordOrderEvent(trx, {
      merchantId: order.merchant_id,
      orderId: other.order_id,
      type: 'shipment.event_conflict',
      detail: { held: false, shipmentId: other.id, externalId: event.externalId, heldOn: order.id },
    });
  }
}

function sameNews(a: HeldConflict, b: HeldConflict): boolean {
  return (
    a.shipmentId === b.shipmentId &&
    a.externalId === b.externalId &&
    a.event.status === b.event.status &&
    (a.event.tracking?.number ?? null) === (b.event.tracking?.number ?? null)
  );
}

/** The event names none of our shipments but carries a bound 3PL id: shown on that order, applied nowhere. */
export async function noteForeignReference(
  trx: Transaction<Database>,
  input: { connectionId: string; event: ShipmentEvent; boundShipmentId: string },
): Promise<void> {
  const shipment = await trx
    .selectFrom('shipments')
    .select(['id', 'order_id', 'merchant_id'])
    .where('id', '=', input.boundShipmentId)
    .executeTakeFirst();
  if (!shipment) return;
  await recordOrderEvent(trx, {
    merchantId: shipment.merchant_id,
    orderId: shipment.order_id,
    type: 'shipment.event_conflict',
    detail: {
      held: false,
      reason: 'foreign_reference',
      shipmentId: shipment.id,
      externalId: input.event.externalId,
      reference: input.event.reference,
      status: input.event.status,
    },
  });
}

/**
 * A person's release of a held conflict: each 3PL id is bound to the shipment our reference named
 * (the shipment it was bound to loses it), the order gets its status back, and the held events are
 * applied, all in one transaction. Returns false when the order holds no conflict.
 */
export async function releaseShipmentConflicts(
  hub: Pick<Hub, 'connections' | 'db'>,
  orderId: string,
  apply: (trx: Transaction<Database>, source: LoadedConnection, event: ShipmentEvent) => Promise<unknown>,
): Promise<boolean> {
  const held = await hub.db
    .selectFrom('orders')
    .select(['status_reason', 'status_detail'])
    .where('id', '=', orderId)
    .executeTakeFirst();
  if (held?.status_reason !== CONFLICT_REASON) return false;
  const connectionIds = new Set(
    (held.status_detail as unknown as HoldDetail).conflicts.map((c) => c.connectionId),
  );
  // Loaded before the transaction: on PGlite a query outside it would wait for it to end.
  const sources = new Map<string, LoadedConnection>();
  for (const id of connectionIds) {
    const source = await hub.connections.get(id);
    if (source) sources.set(id, source);
  }

  return hub.db.transaction().execute(async (trx) => {
    // Shipments before their order, as every shipment event locks them.
    await trx.selectFrom('shipments').select('id').where('order_id', '=', orderId).forUpdate().execute();
    const order = await trx
      .selectFrom('orders')
      .select(['id', 'merchant_id', 'status', 'status_reason', 'status_detail'])
      .where('id', '=', orderId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (order.status_reason !== CONFLICT_REASON) return false;
    const detail = order.status_detail as unknown as HoldDetail;
    const rebound = new Set<string>();
    for (const conflict of detail.conflicts) {
      const key = `${conflict.connectionId} ${conflict.shipmentId} ${conflict.externalId}`;
      if (rebound.has(key)) continue;
      rebound.add(key);
      await rebind(trx, {
        merchantId: order.merchant_id,
        connectionId: conflict.connectionId,
        entity: 'shipment',
        externalId: conflict.externalId,
        hubId: conflict.shipmentId,
      });
      await recordOrderEvent(trx, {
        merchantId: order.merchant_id,
        orderId: order.id,
        type: 'shipment.conflict_released',
        detail: {
          shipmentId: conflict.shipmentId,
          externalId: conflict.externalId,
          unboundFrom: conflict.boundShipmentId,
          replaces: conflict.knownExternalId,
        },
      });
      if (conflict.boundOrderId && conflict.boundShipmentId) {
        await recordOrderEvent(trx, {
          merchantId: order.merchant_id,
          orderId: conflict.boundOrderId,
          type: 'shipment.unbound',
          detail: {
            shipmentId: conflict.boundShipmentId,
            externalId: conflict.externalId,
            boundTo: conflict.shipmentId,
          },
        });
      }
    }

    const previous = detail.previous;
    const restored =
      order.status === 'exception' && previous.status !== 'exception'
        ? await moveOrderTo(trx, order, previous.status, { code: previous.reason })
        : false;
    if (!restored) {
      await trx
        .updateTable('orders')
        .set({ status_reason: previous.reason, status_detail: null, updated_at: new Date() })
        .where('id', '=', order.id)
        .execute();
    }
    for (const conflict of detail.conflicts) {
      const source = sources.get(conflict.connectionId);
      if (source) await apply(trx, source, conflict.event);
    }
    return true;
  });
}
