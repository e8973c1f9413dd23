import { failureMessage } from '../../db/database-errors.ts';
import { ConnectorError } from '../../sdk/errors.ts';
import { bind } from '../binder.ts';
import { clearDeferral } from '../deferrals.ts';
import type { Hub } from '../hub.ts';
import { enqueue, type JobHandler } from '../jobs.ts';
import { storefrontPort } from '../ports/storefront-port.ts';
import { recordOrderEvent } from '../timeline.ts';
import { isUnwritten, writeParcelTracking } from './write-parcel-tracking.ts';

const QUEUE = 'write-tracking';

/**
 * Tells the storefront a shipment left, with its tracking, so the customer gets the shipping email.
 * The storefront connector is idempotent on our shipment id, and we remember which tracking number
 * we wrote, so a retry or a repeated 3PL event never produces a second fulfillment. A shipment the
 * 3PL shipped in parcels is written one fulfillment per parcel (`write-parcel-tracking.ts`).
 */
export function writeTrackingHandler(
  hub: Pick<Hub, 'boss' | 'connections' | 'db' | 'metrics' | 'log'>,
): JobHandler<'write-tracking'> {
  return {
    async run({ shipmentId }) {
      const shipment = await hub.db
        .selectFrom('shipments')
        .innerJoin('orders', 'orders.id', 'shipments.order_id')
        .select([
          'shipments.id',
          'shipments.merchant_id',
          'shipments.order_id',
          'shipments.carrier',
          'shipments.tracking_number',
          'shipments.tracking_url',
          'shipments.tracking_written_number',
          'shipments.tracking_external_id',
          'orders.source_data',
          'orders.storefront_connection_id',
          'orders.source_order_id',
          'orders.source_order_name',
        ])
        .where('shipments.id', '=', shipmentId)
        .executeTakeFirst();
      if (!shipment) return;
      const parcels = await hub.db
        .selectFrom('shipment_parcels')
        .selectAll()
        .where('merchant_id', '=', shipment.merchant_id)
        .where('shipment_id', '=', shipmentId)
        .orderBy('created_at')
        .orderBy('external_id')
        .execute();
      const allWritten = parcels.length
        ? !parcels.some(isUnwritten) && shipment.tracking_written_number === shipment.tracking_number
        : !shipment.tracking_number || shipment.tracking_written_number === shipment.tracking_number;
      if (allWritten) return;
      const storefront = await hub.connections.get(shipment.storefront_connection_id);
      if (storefront?.row.status !== 'active') return;
      const lines = await hub.db
        .selectFrom('shipment_lines')
        .innerJoin('order_lines', 'order_lines.id', 'shipment_lines.order_line_id')
        .select(['order_lines.source_line_id', 'shipment_lines.sku', 'shipment_lines.quantity'])
        .where('shipment_lines.merchant_id', '=', shipment.merchant_id)
        .where('shipment_lines.shipment_id', '=', shipmentId)
        .execute();
      const order = {
        sourceOrderId: shipment.source_order_id,
        sourceOrderName: shipment.source_order_name,
        sourceData: shipment.source_data,
      };
      if (parcels.length) {
        // In a fixed order, so a retry shares the lines out the same way.
        const shipmentLines = lines
          .map((l) => ({ sourceLineId: l.source_line_id, sku: l.sku, quantity: l.quantity }))
          .sort((a, b) => a.sourceLineId.localeCompare(b.sourceLineId));
        await writeParcelTracking(hub, storefront, { ...shipment, order }, parcels, shipmentLines);
        return;
      }
      if (!shipment.tracking_number) return;
      const tracking = {
        carrier: shipment.carrier,
        number: shipment.tracking_number,
        url: shipment.tracking_url,
      };
      const written = await storefrontPort(hub, storefront).writeTracking(
        {
          order,
          shipment: {
            id: shipment.id,
            lines: lines.map((l) => ({ sourceLineId: l.source_line_id, sku: l.sku, quantity: l.quantity })),
            tracking,
          },
          previousExternalId: shipment.tracking_external_id,
        },
        { orderId: shipment.order_id },
      );
      await hub.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('shipments')
          .set({
            tracking_written_number: tracking.number,
            tracking_external_id: written.externalId,
            updated_at: new Date(),
          })
          .where('id', '=', shipmentId)
          .execute();
        // A re-written tracking may come back under a new remote id: the binding follows it.
        await bind(trx, {
          merchantId: shipment.merchant_id,
          connectionId: storefront.row.id,
          entity: 'fulfillment',
          externalId: written.externalId,
          hubId: shipment.id,
        });
        // Whichever job got it through, the write-back is no longer stuck.
        await clearDeferral(trx, QUEUE, shipmentId);
        await recordOrderEvent(trx, {
          merchantId: shipment.merchant_id,
          orderId: shipment.order_id,
          type: 'tracking.written',
          detail: { shipmentId, trackingNumber: tracking.number, externalId: written.externalId },
        });
      });
    },
    async onFailure({ shipmentId }, error, { willRetry, deferral }) {
      // A write-back the storefront keeps putting off is shown once it is stuck, not at each deferral.
      if (willRetry && !deferral?.becameStuck) return;
      const shipment = await hub.db
        .selectFrom('shipments')
        .select(['merchant_id', 'order_id'])
        .where('id', '=', shipmentId)
        .executeTakeFirst();
      if (!shipment) return;
      const detail = {
        shipmentId,
        code: error instanceof ConnectorError ? error.code : 'unexpected',
        message: failureMessage(error),
        ...(deferral ? { deferrals: deferral.deferrals } : {}),
      };
      const event = { merchantId: shipment.merchant_id, orderId: shipment.order_id };
      if (deferral?.becameStuck) {
        await recordOrderEvent(hub.db, {
          ...event,
          type: 'tracking.writeback_stuck',
          detail: { ...detail, since: deferral.firstDeferredAt.toISOString() },
        });
      }
      if (!willRetry) await recordOrderEvent(hub.db, { ...event, type: 'tracking.write_failed', detail });
    },
  };
}

/**
 * A person's retry of an order: every shipment that left with tracking not yet written back is
 * queued again, its deferral count started afresh (a dead-lettered write-back is thus retried).
 */
/**
 * Shipments of the order that shipped with tracking the storefront was never told (or told
 * another): their own, or one of their parcels'.
 */
export async function findUnwrittenTracking(hub: Pick<Hub, 'db'>, orderId: string): Promise<string[]> {
  const shipments = await hub.db
    .selectFrom('shipments')
    .select(['id', 'tracking_number', 'tracking_written_number'])
    .where('order_id', '=', orderId)
    .where('status', 'in', ['shipped', 'delivered'])
    .where('tracking_number', 'is not', null)
    .execute();
  const parcels = await hub.db
    .selectFrom('shipment_parcels')
    .innerJoin('shipments', 'shipments.id', 'shipment_parcels.shipment_id')
    .selectAll('shipment_parcels')
    .whereRef('shipment_parcels.merchant_id', '=', 'shipments.merchant_id')
    .where('shipments.order_id', '=', orderId)
    .where('shipment_parcels.tracking_number', 'is not', null)
    .execute();
  const unwritten = new Set([
    ...shipments.filter((s) => s.tracking_number !== s.tracking_written_number).map((s) => s.id),
    ...parcels.filter(isUnwritten).map((p) => p.shipment_id),
  ]);
  return [...unwritten];
}

export async function requeueTrackingWriteback(
  hub: Pick<Hub, 'boss' | 'connections' | 'db'>,
  orderId: string,
): Promise<number> {
  const unwritten = await findUnwrittenTracking(hub, orderId);
  if (unwritten.length === 0) return 0;
  await hub.db.transaction().execute(async (trx) => {
    for (const shipmentId of unwritten) {
      await clearDeferral(trx, QUEUE, shipmentId);
      await enqueue(hub.boss, QUEUE, { shipmentId }, { serialKey: `order:${orderId}`, trx });
    }
  });
  return unwritten.length;
}
