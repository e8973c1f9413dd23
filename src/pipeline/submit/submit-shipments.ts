import type { Address } from '../../domain/order.ts';
import type { SubmittedShipment } from '../../sdk/contracts.ts';
import { NeedsHumanError } from '../../sdk/errors.ts';
import { bind } from '../binder.ts';
import type { LoadedConnection } from '../connection-store.ts';
import type { Hub } from '../hub.ts';
import { lockOrder, moveOrderTo, moveShipmentTo, refreshOrderFromShipments } from '../order-status.ts';
import { ConnectionRoleError, isFulfillmentConnection } from '../ports/connection-role.ts';
import { fulfillmentPort } from '../ports/fulfillment-port.ts';
import { recordOrderEvent } from '../timeline.ts';
import { claimShipment, releaseShipment, shipmentBusy } from './claim-shipment.ts';
import { holdShipment } from './hold-shipment.ts';
import { rerouteRefusedShipment } from './reroute-refused.ts';

export type SubmitDeps = Pick<Hub, 'db' | 'config' | 'connections' | 'metrics' | 'log'>;

/**
 * Sends each pending shipment of the order to its 3PL, by our shipment id (the 3PL's idempotency
 * key), under a claim so no other job sends it meanwhile. A 3PL that needs a person holds the order.
 */
export async function submitPendingShipments(
  deps: SubmitDeps,
  orderId: string,
): Promise<{ rerouted: boolean }> {
  let rerouted = false;
  const pending = await deps.db
    .selectFrom('shipments')
    .innerJoin('orders', 'orders.id', 'shipments.order_id')
    .select([
      'shipments.id',
      'shipments.fulfillment_connection_id',
      'shipments.location',
      'orders.source_order_name',
      'orders.email',
      'orders.shipping_address',
      'orders.shipping_method',
      'orders.cancelled',
    ])
    .where('shipments.order_id', '=', orderId)
    .where('shipments.status', '=', 'pending')
    .execute();
  for (const shipment of pending) {
    if (shipment.cancelled) return { rerouted };
    const target = await deps.connections.get(shipment.fulfillment_connection_id);
    if (target?.row.status !== 'active') {
      await holdShipment(
        deps,
        orderId,
        shipment.id,
        new NeedsHumanError('fulfillment_connection_inactive', 'the 3PL connection is not active'),
      );
      continue;
    }
    const lines = await deps.db
      .selectFrom('shipment_lines')
      .innerJoin('order_lines', 'order_lines.id', 'shipment_lines.order_line_id')
      .select(['shipment_lines.sku', 'shipment_lines.quantity', 'order_lines.name'])
      .where('shipment_lines.shipment_id', '=', shipment.id)
      .execute();
    const shipTo = shipment.shipping_address as Address | null;
    if (!shipTo) {
      await holdShipment(
        deps,
        orderId,
        shipment.id,
        new NeedsHumanError('missing_address', 'the order has no shipping address'),
      );
      continue;
    }
    if (!isFulfillmentConnection(target)) {
      await holdShipment(deps, orderId, shipment.id, new ConnectionRoleError(target, 'fulfillment'));
      continue;
    }
    const port = fulfillmentPort(deps, target);
    if (!(await claimShipment(deps, shipment.id))) throw shipmentBusy(shipment.id);
    let submitted: SubmittedShipment;
    try {
      submitted = await port.submitShipment(
        {
          reference: shipment.id,
          orderName: shipment.source_order_name,
          email: shipment.email,
          shipTo,
          shippingMethod: shipment.shipping_method,
          lines: lines.map((l) => ({ sku: l.sku, name: l.name, quantity: l.quantity })),
          // Where routing placed it: the 3PL ships from there, or says why not.
          location: shipment.location,
        },
        { orderId },
      );
    } catch (error) {
      if (error instanceof NeedsHumanError) {
        if (await rerouteRefusedShipment(deps, orderId, shipment.id, error)) {
          rerouted = true;
          continue;
        }
        await holdShipment(deps, orderId, shipment.id, error);
        continue;
      }
      await releaseShipment(deps, shipment.id);
      throw error;
    }
    await recordSubmission(deps, target, orderId, shipment.id, submitted);
  }
  return { rerouted };
}

/** Commits the 3PL's id the moment the remote call succeeded (OCA's binder rule). */
async function recordSubmission(
  deps: Pick<Hub, 'db'>,
  target: LoadedConnection,
  orderId: string,
  shipmentId: string,
  submitted: SubmittedShipment,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await bind(trx, {
      merchantId: target.row.merchant_id,
      connectionId: target.row.id,
      entity: 'shipment',
      externalId: submitted.externalId,
      hubId: shipmentId,
    });
    const updated = await moveShipmentTo(trx, shipmentId, ['pending'], submitted.status, {
      data: JSON.stringify(submitted.data ?? {}),
    });
    if (!updated) return;
    await recordOrderEvent(trx, {
      merchantId: updated.merchant_id,
      orderId,
      type: 'shipment.submitted',
      detail: { shipmentId, externalId: submitted.externalId, status: submitted.status },
    });
    const order = await lockOrder(trx, orderId);
    if (order.status === 'ready') await moveOrderTo(trx, order, 'submitted');
    if (submitted.status === 'accepted') await refreshOrderFromShipments(trx, orderId);
  });
}
