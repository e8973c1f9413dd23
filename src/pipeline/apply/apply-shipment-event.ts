import type { ShipmentState } from '../../domain/order-state.ts';
import { isShipmentForward } from '../../domain/order-state.ts';
import type { CanonicalEvent } from '../../sdk/contracts.ts';
import type { LoadedConnection } from '../connection-store.ts';
import type { Hub } from '../hub.ts';
import { isUuid } from '../ingest.ts';
import { enqueue } from '../jobs.ts';
import { refreshOrderFromShipments } from '../route/order-status.ts';
import { recordOrderEvent } from '../timeline.ts';

type ShipmentEvent = Extract<CanonicalEvent, { type: 'shipment.updated' }>;

export type ShipmentEventOutcome = 'applied' | 'stale' | 'unknown_shipment';

/**
 * A 3PL's word about one shipment. Applied only forward (a late "accepted" after "shipped" changes
 * nothing); a shipment that gains tracking is queued for write-back to the storefront.
 */
export async function applyShipmentEvent(
  hub: Hub,
  source: LoadedConnection,
  event: ShipmentEvent,
): Promise<ShipmentEventOutcome> {
  return hub.db.transaction().execute(async (trx) => {
    const bound = await trx
      .selectFrom('external_ids')
      .select('hub_id')
      .where('connection_id', '=', source.row.id)
      .where('entity', '=', 'shipment')
      .where('external_id', '=', event.externalId)
      .executeTakeFirst();
    const shipmentId = bound?.hub_id ?? (isUuid(event.reference) ? event.reference : null);
    if (!shipmentId) return 'unknown_shipment';
    const shipment = await trx
      .selectFrom('shipments')
      .selectAll()
      .where('id', '=', shipmentId)
      .where('fulfillment_connection_id', '=', source.row.id)
      .forUpdate()
      .executeTakeFirst();
    if (!shipment) return 'unknown_shipment';

    if (!bound) {
      // The 3PL knew the shipment before we recorded its id (a crash after submit): bind it now.
      await trx
        .insertInto('external_ids')
        .values({
          merchant_id: shipment.merchant_id,
          connection_id: source.row.id,
          entity: 'shipment',
          external_id: event.externalId,
          hub_id: shipment.id,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }

    const from = shipment.status as ShipmentState;
    const to = event.status as ShipmentState;
    const newerTracking =
      event.tracking !== null &&
      event.tracking.number !== shipment.tracking_number &&
      (to === 'shipped' || from === 'shipped');
    if (!isShipmentForward(from, to) && !newerTracking) {
      await recordOrderEvent(trx, {
        merchantId: shipment.merchant_id,
        orderId: shipment.order_id,
        type: 'shipment.event_ignored',
        detail: { shipmentId: shipment.id, from, to, occurredAt: event.occurredAt },
      });
      return 'stale';
    }
    const status = isShipmentForward(from, to) ? to : from;
    await trx
      .updateTable('shipments')
      .set({
        status,
        status_reason: event.reason,
        external_id: shipment.external_id ?? event.externalId,
        ...(event.tracking
          ? {
              carrier: event.tracking.carrier,
              tracking_number: event.tracking.number,
              tracking_url: event.tracking.url,
            }
          : {}),
        ...(status === 'shipped' && !shipment.shipped_at ? { shipped_at: event.occurredAt } : {}),
        last_event_at: event.occurredAt,
        updated_at: new Date(),
      })
      .where('id', '=', shipment.id)
      .execute();
    await recordOrderEvent(trx, {
      merchantId: shipment.merchant_id,
      orderId: shipment.order_id,
      type: `shipment.${status}`,
      detail: {
        shipmentId: shipment.id,
        from,
        externalId: event.externalId,
        ...(event.tracking ? { carrier: event.tracking.carrier, trackingNumber: event.tracking.number } : {}),
        ...(event.reason ? { reason: event.reason } : {}),
      },
    });
    const trackingNumber = event.tracking?.number ?? shipment.tracking_number;
    if (
      (status === 'shipped' || status === 'delivered') &&
      trackingNumber &&
      trackingNumber !== shipment.tracking_written_number
    ) {
      // One order's shipments are written back one at a time: a storefront completes the order after the last.
      await enqueue(
        hub.boss,
        'write-tracking',
        { shipmentId: shipment.id },
        { serialKey: `order:${shipment.order_id}`, trx },
      );
    }
    await refreshOrderFromShipments(trx, shipment.order_id);
    return 'applied';
  });
}
