import type { Transaction } from 'kysely';
import type { Database, ShipmentParcel } from '../../db/types.ts';
import { isShipmentForward } from '../../domain/order-state.ts';
import type { CanonicalEvent } from '../../sdk/contracts.ts';
import { recordOrderEvent } from '../timeline.ts';

type Parcel = NonNullable<Extract<CanonicalEvent, { type: 'shipment.updated' }>['parcels']>[number];

/**
 * Pure: whether a parcel's event moves what the hub holds of it. Forward only, by event time (an
 * older event never overwrites a newer state; ShipBob redelivers for a day, in any order) and by
 * status (a newer read that lags the webhook does not take a delivered parcel back to shipped),
 * except for a new tracking number on a parcel that left (a relabel).
 */
export function parcelMoves(
  held: Pick<ShipmentParcel, 'status' | 'tracking_number' | 'occurred_at'>,
  parcel: Pick<Parcel, 'status' | 'tracking'>,
  occurredAt: Date,
): boolean {
  if (occurredAt.getTime() < new Date(held.occurred_at).getTime()) return false;
  const relabelled =
    parcel.tracking !== null &&
    parcel.tracking.number !== held.tracking_number &&
    (parcel.status === 'shipped' || parcel.status === 'delivered');
  return held.status === parcel.status || isShipmentForward(held.status, parcel.status) || relabelled;
}

/**
 * A 3PL's word about each package of one shipment, in the transaction that applies the shipment's
 * summary: each parcel is inserted or moved forward on its own. Returns how many changed (a new
 * parcel, another status, another tracking number): each is also on the order's timeline.
 */
export async function applyParcels(
  trx: Transaction<Database>,
  shipment: { id: string; merchant_id: string; order_id: string },
  parcels: readonly Parcel[],
  occurredAt: string,
): Promise<number> {
  const at = new Date(occurredAt);
  const held = await trx
    .selectFrom('shipment_parcels')
    .selectAll()
    .where('merchant_id', '=', shipment.merchant_id)
    .where('shipment_id', '=', shipment.id)
    .forUpdate()
    .execute();
  const byExternalId = new Map(held.map((row) => [row.external_id, row]));
  let changed = 0;
  for (const parcel of parcels) {
    const row = byExternalId.get(parcel.externalId);
    if (row && !parcelMoves(row, parcel, at)) continue;
    const values = {
      status: parcel.status,
      location: parcel.location ?? row?.location ?? null,
      // A read without tracking (or without contents) does not erase what an earlier one said.
      carrier: parcel.tracking ? parcel.tracking.carrier : (row?.carrier ?? null),
      tracking_number: parcel.tracking?.number ?? row?.tracking_number ?? null,
      tracking_url: parcel.tracking ? parcel.tracking.url : (row?.tracking_url ?? null),
      reason: parcel.reason,
      lines: JSON.stringify(parcel.lines ?? row?.lines ?? null),
      occurred_at: at,
    };
    let id: string;
    if (row) {
      await trx
        .updateTable('shipment_parcels')
        .set({ ...values, updated_at: new Date() })
        .where('id', '=', row.id)
        .where('merchant_id', '=', shipment.merchant_id)
        .execute();
      id = row.id;
    } else {
      const inserted = await trx
        .insertInto('shipment_parcels')
        .values({
          ...values,
          merchant_id: shipment.merchant_id,
          shipment_id: shipment.id,
          external_id: parcel.externalId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      id = inserted.id;
    }
    if (row && row.status === values.status && row.tracking_number === values.tracking_number) continue;
    changed += 1;
    await recordOrderEvent(trx, {
      merchantId: shipment.merchant_id,
      orderId: shipment.order_id,
      type: 'shipment.parcel_updated',
      detail: {
        shipmentId: shipment.id,
        parcelId: id,
        externalId: parcel.externalId,
        from: row?.status ?? null,
        to: values.status,
        location: values.location,
        ...(values.tracking_number
          ? { carrier: values.carrier, trackingNumber: values.tracking_number }
          : {}),
        ...(values.reason ? { reason: values.reason } : {}),
      },
    });
  }
  return changed;
}

/** Whether a parcel of the shipment left with tracking the storefront was not told. */
export async function hasUnwrittenParcel(
  trx: Transaction<Database>,
  shipment: { id: string; merchant_id: string },
): Promise<boolean> {
  const row = await trx
    .selectFrom('shipment_parcels')
    .select('id')
    .where('merchant_id', '=', shipment.merchant_id)
    .where('shipment_id', '=', shipment.id)
    .where('status', 'in', ['shipped', 'delivered'])
    .where('tracking_number', 'is not', null)
    .where((eb) =>
      eb.or([
        eb('tracking_written_number', 'is', null),
        eb('tracking_written_number', '!=', eb.ref('tracking_number')),
      ]),
    )
    .executeTakeFirst();
  return row !== undefined;
}
