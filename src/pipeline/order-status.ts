import type { Kysely, Transaction, Updateable } from 'kysely';
import type { Database, ShipmentsTable } from '../db/types.ts';
import {
  canMoveOrder,
  canMoveShipment,
  deriveOrderStateFromShipments,
  type OrderState,
  type ShipmentState,
} from '../domain/order-state.ts';
import { recordOrderEvent } from './timeline.ts';

/**
 * Order and shipment state changes, shared by every stage: each goes through the state machine of
 * `domain/order-state.ts`, so no stage sets a state the machine does not allow.
 */

/**
 * Moves an order to a new state if the state machine allows it, with its reason, and records it on
 * the timeline. Returns false (and changes nothing) for an illegal move, so a late or repeated event
 * cannot drag an order backwards.
 */
export async function moveOrderTo(
  trx: Transaction<Database>,
  order: { id: string; merchant_id: string; status: OrderState },
  to: OrderState,
  reason: { code?: string | null; detail?: Record<string, unknown> | null } = {},
): Promise<boolean> {
  const from = order.status;
  if (from === to) return false;
  if (!canMoveOrder(from, to)) return false;
  await trx
    .updateTable('orders')
    .set({
      status: to,
      status_reason: reason.code ?? null,
      status_detail: reason.detail ? JSON.stringify(reason.detail) : null,
      updated_at: new Date(),
    })
    .where('id', '=', order.id)
    .where('status', '=', from)
    .execute();
  await recordOrderEvent(trx, {
    merchantId: order.merchant_id,
    orderId: order.id,
    type: `order.${to}`,
    detail: { from, ...(reason.code ? { reason: reason.code } : {}), ...(reason.detail ?? {}) },
  });
  order.status = to;
  return true;
}

/** Locks an order's row for the rest of the transaction: its state moves one writer at a time. */
export async function lockOrder(trx: Transaction<Database>, orderId: string) {
  return trx
    .selectFrom('orders')
    .select(['id', 'merchant_id', 'status'])
    .where('id', '=', orderId)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

/** Whether any of the order's lines is held back (a pending part not routed yet). */
export async function hasHeldLines(
  db: Kysely<Database> | Transaction<Database>,
  orderId: string,
): Promise<boolean> {
  const held = await db
    .selectFrom('order_lines')
    .select('id')
    .where('order_id', '=', orderId)
    .where('disposition', '=', 'held')
    .limit(1)
    .executeTakeFirst();
  return held !== undefined;
}

/**
 * Re-derives the order's fulfilment state from its shipments and held lines (all shipped and
 * nothing held → shipped, and so on).
 */
export async function refreshOrderFromShipments(trx: Transaction<Database>, orderId: string): Promise<void> {
  const order = await lockOrder(trx, orderId);
  // An exception waits for a person (POST /api/orders/:id/retry); shipments moving on do not end it.
  if (order.status === 'exception') return;
  const shipments = await trx
    .selectFrom('shipments')
    .select('status')
    .where('order_id', '=', orderId)
    .execute();
  // Lines held back as a pending part are a part not shipped yet.
  const partHeld = await hasHeldLines(trx, orderId);
  const derived = deriveOrderStateFromShipments(
    shipments.map((s) => s.status),
    { partHeld },
  );
  if (!derived || derived === order.status) return;
  await moveOrderTo(trx, order, derived, derived === 'exception' ? { code: 'shipment_exception' } : {});
}

/**
 * Moves a shipment that is in one of `from` to `to`, with the other fields given, when the state
 * machine allows it from that state; the state is checked in the update itself, so a concurrent
 * change wins. Returns the moved shipment's order and merchant, or null when nothing moved.
 */
export async function moveShipmentTo(
  db: Kysely<Database> | Transaction<Database>,
  shipmentId: string,
  from: readonly ShipmentState[],
  to: ShipmentState,
  fields: Omit<Updateable<ShipmentsTable>, 'status'> = {},
): Promise<{ merchant_id: string; order_id: string } | null> {
  const allowed = from.filter((state) => canMoveShipment(state, to));
  if (allowed.length === 0) return null;
  const moved = await db
    .updateTable('shipments')
    .set({ ...fields, status: to, updated_at: new Date() })
    .where('id', '=', shipmentId)
    .where('status', 'in', allowed)
    .returning(['merchant_id', 'order_id'])
    .executeTakeFirst();
  return moved ?? null;
}
