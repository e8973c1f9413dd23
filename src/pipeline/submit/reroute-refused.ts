import type { NeedsHumanError } from '../../sdk/errors.ts';
import type { Hub } from '../hub.ts';
import { moveShipmentTo } from '../order-status.ts';
import { REROUTABLE_REFUSALS } from '../route/route-with-engine.ts';
import { merchantLocations } from '../route/routing-locations.ts';
import { recordOrderEvent } from '../timeline.ts';

/**
 * A 3PL refused a shipment for a reason another warehouse may not share (it does not stock a SKU
 * there, it is out of stock, it rejects the order from that location). When another active
 * location of the merchant can promise every SKU of it, the shipment is rejected and its lines go
 * back to routing, which leaves out every location that refused this order; otherwise a person
 * decides (false: the caller holds the order as before).
 */
export async function rerouteRefusedShipment(
  deps: Pick<Hub, 'db'>,
  orderId: string,
  shipmentId: string,
  error: NeedsHumanError,
): Promise<boolean> {
  if (!REROUTABLE_REFUSALS.has(error.code)) return false;
  return deps.db.transaction().execute(async (trx) => {
    const shipment = await trx
      .selectFrom('shipments')
      .select(['id', 'merchant_id', 'fulfillment_connection_id', 'location', 'status'])
      .where('id', '=', shipmentId)
      .forUpdate()
      .executeTakeFirst();
    if (!shipment?.location || shipment.status !== 'pending') return false;
    const lines = await trx
      .selectFrom('shipment_lines')
      .select(['order_line_id', 'sku', 'quantity'])
      .where('shipment_id', '=', shipmentId)
      .execute();
    const refused = await trx
      .selectFrom('shipments')
      .select(['fulfillment_connection_id', 'location'])
      .where('order_id', '=', orderId)
      .where('status', '=', 'rejected')
      .execute();
    const refusedHere = (connectionId: string, location: string) =>
      (connectionId === shipment.fulfillment_connection_id && location === shipment.location) ||
      refused.some((row) => row.fulfillment_connection_id === connectionId && row.location === location);
    const others = (await merchantLocations(trx, shipment.merchant_id)).filter(
      (location) => location.active && !refusedHere(location.fulfillmentConnectionId, location.locationKey),
    );
    const coverable = lines.every((line) =>
      others.some((location) => (location.available[line.sku] ?? 0) > 0),
    );
    if (!coverable) return false;

    await moveShipmentTo(trx, shipmentId, ['pending'], 'rejected', { status_reason: error.code });
    for (const line of lines) {
      await trx
        .updateTable('order_lines')
        .set({
          disposition: 'held',
          disposition_detail: JSON.stringify({
            why: 'rerouting',
            fulfillmentSku: line.sku,
            refusedBy: { connectionId: shipment.fulfillment_connection_id, location: shipment.location },
            message: `The 3PL refused it from ${shipment.location} (${error.message}); it is routed to another location.`,
          }),
        })
        .where('id', '=', line.order_line_id)
        .execute();
    }
    await recordOrderEvent(trx, {
      merchantId: shipment.merchant_id,
      orderId,
      type: 'shipment.rerouted',
      detail: {
        shipmentId,
        fulfillmentConnectionId: shipment.fulfillment_connection_id,
        location: shipment.location,
        code: error.code,
        message: error.message,
      },
    });
    return true;
  });
}
