/**
 * The write-back of a shipment the 3PL shipped in several parcels: one storefront fulfillment per
 * parcel that left with tracking the storefront was not told, under the parcel's id (so the
 * storefront connector is idempotent per parcel), with the lines `parcelStorefrontLines` gives it.
 * Each parcel is recorded as written in its own transaction right after its write, so a retry
 * after a failure writes only the parcels not yet recorded, with the same lines. Once every parcel
 * that left is written, the shipment counts as written.
 */

import type { ShipmentParcel } from '../../db/types.ts';
import type { OrderRef } from '../../sdk/contracts.ts';
import { bind } from '../binder.ts';
import type { LoadedConnection } from '../connection-store.ts';
import { clearDeferral } from '../deferrals.ts';
import type { Hub } from '../hub.ts';
import { storefrontPort } from '../ports/storefront-port.ts';
import { recordOrderEvent } from '../timeline.ts';
import { type ParcelContents, parcelStorefrontLines, type ShipmentLine } from './parcel-lines.ts';

const QUEUE = 'write-tracking';

/** A parcel that left with tracking the storefront was not told (or told another). */
export function isUnwritten(parcel: ShipmentParcel): parcel is ShipmentParcel & { tracking_number: string } {
  return (
    (parcel.status === 'shipped' || parcel.status === 'delivered') &&
    parcel.tracking_number !== null &&
    parcel.tracking_number !== parcel.tracking_written_number
  );
}

function contentsOf(parcel: ShipmentParcel): ParcelContents {
  return {
    id: parcel.id,
    live: parcel.status !== 'cancelled',
    lines: parcel.lines,
    // A parcel settled with nothing to write carried nothing: it covers no line.
    writtenLines: parcel.tracking_written_number === null ? null : (parcel.written_lines ?? []),
  };
}

export async function writeParcelTracking(
  hub: Pick<Hub, 'boss' | 'connections' | 'db' | 'metrics' | 'log'>,
  storefront: LoadedConnection,
  shipment: {
    id: string;
    merchant_id: string;
    order_id: string;
    tracking_number: string | null;
    tracking_written_number: string | null;
    tracking_external_id: string | null;
    order: OrderRef;
  },
  parcels: ShipmentParcel[],
  shipmentLines: ShipmentLine[],
): Promise<void> {
  await adoptWholeShipmentWrite(hub, shipment, parcels, shipmentLines);
  // Parcels that say what they hold go first: a parcel that does not say takes what they leave.
  const queue = parcels
    .filter(isUnwritten)
    .sort((a, b) => Number(a.lines === null) - Number(b.lines === null));
  for (const parcel of queue) {
    const rewrite = parcel.tracking_external_id !== null;
    const lines =
      rewrite && parcel.written_lines
        ? parcel.written_lines
        : parcelStorefrontLines(shipmentLines, parcels.map(contentsOf), parcel.id);
    const tracking = { carrier: parcel.carrier, number: parcel.tracking_number, url: parcel.tracking_url };
    const where = { shipmentId: shipment.id, parcelId: parcel.id, location: parcel.location };
    if (lines.length === 0) {
      // Every line the parcel could hold was written with the parcels before it: there is nothing of
      // the order to fulfil with this tracking. Settled, so a retry does not try it again.
      await hub.db.transaction().execute(async (trx) => {
        await markParcel(trx, shipment.merchant_id, parcel, {
          number: tracking.number,
          externalId: null,
          lines,
        });
        await recordOrderEvent(trx, {
          merchantId: shipment.merchant_id,
          orderId: shipment.order_id,
          type: 'tracking.not_written',
          detail: {
            ...where,
            trackingNumber: tracking.number,
            reason: 'the parcels written before it already carry every line it could hold',
          },
        });
      });
      Object.assign(parcel, { tracking_written_number: tracking.number, written_lines: lines });
      continue;
    }
    const written = await storefrontPort(hub, storefront).writeTracking(
      {
        order: shipment.order,
        shipment: { id: parcel.id, lines, tracking },
        previousExternalId: parcel.tracking_external_id,
      },
      { orderId: shipment.order_id, shipmentId: shipment.id },
    );
    await hub.db.transaction().execute(async (trx) => {
      await markParcel(trx, shipment.merchant_id, parcel, {
        number: tracking.number,
        externalId: written.externalId,
        lines,
      });
      await bind(trx, {
        merchantId: shipment.merchant_id,
        connectionId: storefront.row.id,
        entity: 'fulfillment',
        externalId: written.externalId,
        hubId: parcel.id,
      });
      await clearDeferral(trx, QUEUE, shipment.id);
      await recordOrderEvent(trx, {
        merchantId: shipment.merchant_id,
        orderId: shipment.order_id,
        type: 'tracking.written',
        detail: {
          ...where,
          parcelExternalId: parcel.external_id,
          trackingNumber: tracking.number,
          externalId: written.externalId,
          lines: lines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
        },
      });
    });
    Object.assign(parcel, {
      tracking_written_number: tracking.number,
      tracking_external_id: written.externalId,
      written_lines: lines,
    });
  }
  if (parcels.some(isUnwritten)) return;
  // Every parcel that left is written: so is the shipment (its tracking is one parcel's).
  await hub.db
    .updateTable('shipments')
    .set({ tracking_written_number: shipment.tracking_number, updated_at: new Date() })
    .where('id', '=', shipment.id)
    .where('merchant_id', '=', shipment.merchant_id)
    .execute();
}

/**
 * A shipment written back as a whole before the hub kept its parcels (or before the 3PL named
 * them): the parcel with that tracking number is the fulfillment already made, with every line.
 */
async function adoptWholeShipmentWrite(
  hub: Pick<Hub, 'db'>,
  shipment: {
    merchant_id: string;
    tracking_written_number: string | null;
    tracking_external_id: string | null;
  },
  parcels: ShipmentParcel[],
  shipmentLines: ShipmentLine[],
): Promise<void> {
  if (shipment.tracking_written_number === null || shipment.tracking_external_id === null) return;
  if (parcels.some((parcel) => parcel.tracking_written_number !== null)) return;
  const parcel = parcels.find((p) => p.tracking_number === shipment.tracking_written_number);
  if (!parcel) return;
  const written = {
    number: shipment.tracking_written_number,
    externalId: shipment.tracking_external_id,
    lines: shipmentLines,
  };
  await markParcel(hub.db, shipment.merchant_id, parcel, written);
  Object.assign(parcel, {
    tracking_written_number: written.number,
    tracking_external_id: written.externalId,
    written_lines: shipmentLines,
  });
}

async function markParcel(
  trx: Parameters<typeof recordOrderEvent>[0],
  merchantId: string,
  parcel: ShipmentParcel,
  written: { number: string; externalId: string | null; lines: ShipmentLine[] },
): Promise<void> {
  await trx
    .updateTable('shipment_parcels')
    .set({
      tracking_written_number: written.number,
      tracking_external_id: written.externalId,
      written_lines: JSON.stringify(written.lines),
      updated_at: new Date(),
    })
    .where('id', '=', parcel.id)
    .where('merchant_id', '=', merchantId)
    .execute();
}
