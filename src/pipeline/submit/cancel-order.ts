import type { FulfillmentConnector } from '../../sdk/contracts.ts';
import { bind, findByHubId } from '../binder.ts';
import type { Hub } from '../hub.ts';
import { moveOrderTo, moveShipmentTo } from '../order-status.ts';
import { recordOrderEvent } from '../timeline.ts';
import { claimShipment, shipmentBusy } from './claim-shipment.ts';

export type CancelDeps = Pick<Hub, 'db' | 'config' | 'connections'>;

/** What the storefront is to be told, when it asked for the cancellation (`requested`). */
export interface CancelResult {
  requested: boolean;
  outcome: 'cancelled' | 'refused';
  reason: string | null;
}

const OPEN = ['pending', 'submitted', 'accepted'] as const;

/**
 * Cancels the order's open shipments at their 3PLs, then the order; a 3PL already past the point
 * of no return refuses, and the order goes on and ships.
 */
export async function cancelOrder(deps: CancelDeps, orderId: string): Promise<CancelResult> {
  const shipments = await deps.db
    .selectFrom('shipments')
    .select(['id', 'status', 'data', 'fulfillment_connection_id'])
    .where('order_id', '=', orderId)
    .where('status', 'in', OPEN)
    .execute();
  const refused: { shipmentId: string; reason: string | null }[] = [];
  for (const shipment of shipments) {
    let outcome: { outcome: 'cancelled' | 'refused'; reason: string | null } = {
      outcome: 'cancelled',
      reason: null,
    };
    const target = await deps.connections.get(shipment.fulfillment_connection_id);
    let externalId = target
      ? await findByHubId(deps.db, { connectionId: target.row.id, entity: 'shipment', hubId: shipment.id })
      : null;
    if (shipment.status === 'pending' && target) {
      // Never sent, or sent by a process that died before hearing back: ask the 3PL, by our reference.
      if (!(await claimShipment(deps, shipment.id))) throw shipmentBusy(shipment.id);
      const connector = target.connector as FulfillmentConnector;
      const found = await deps.connections.call(target, () =>
        connector.findShipment(target.context, shipment.id),
      );
      if (found) {
        await bind(deps.db, {
          merchantId: target.row.merchant_id,
          connectionId: target.row.id,
          entity: 'shipment',
          externalId: found.externalId,
          hubId: shipment.id,
        });
        externalId = found.externalId;
      }
    }
    if (externalId && target) {
      const connector = target.connector as FulfillmentConnector;
      const remoteId = externalId;
      outcome = await deps.connections.call(target, () =>
        connector.cancelShipment(target.context, {
          reference: shipment.id,
          externalId: remoteId,
          data: shipment.data,
        }),
      );
    }
    if (outcome.outcome === 'refused') refused.push({ shipmentId: shipment.id, reason: outcome.reason });
    else await moveShipmentTo(deps.db, shipment.id, OPEN, 'cancelled');
  }
  const requested = await deps.db.transaction().execute(async (trx) => {
    const order = await trx
      .selectFrom('orders')
      .select(['id', 'merchant_id', 'status', 'cancellation_requested'])
      .where('id', '=', orderId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (refused.length === 0) {
      await moveOrderTo(trx, order, 'cancelled');
    } else {
      // The 3PL is already past the point of no return: the order goes on and ships.
      await trx.updateTable('orders').set({ cancelled: false }).where('id', '=', orderId).execute();
      await recordOrderEvent(trx, {
        merchantId: order.merchant_id,
        orderId,
        type: 'order.cancel_refused',
        detail: { refused },
      });
    }
    return order.cancellation_requested;
  });
  if (refused.length === 0) return { requested, outcome: 'cancelled', reason: null };
  const reasons = refused
    .map((r) => r.reason)
    .filter(Boolean)
    .join('; ');
  return { requested, outcome: 'refused', reason: reasons || 'the 3PL can no longer cancel' };
}
