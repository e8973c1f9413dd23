import type { Transaction } from 'kysely';
import type { Database, Shipment } from '../../db/types.ts';
import { isShipmentForward } from '../../domain/order-state.ts';
import type { CanonicalEvent } from '../../sdk/contracts.ts';
import { bind as bindRemoteId, findByExternalId, findByHubId } from '../binder.ts';
import type { LoadedConnection } from '../connection-store.ts';
import type { Hub } from '../hub.ts';
import { isUuid } from '../ingest/ingest.ts';
import { enqueue } from '../jobs.ts';
import { refreshOrderFromShipments } from '../order-status.ts';
import { recordOrderEvent } from '../timeline.ts';
import { applyParcels, hasUnwrittenParcel } from './apply-parcels.ts';
import { matchShipment } from './match-shipment.ts';
import { holdShipmentConflict, noteForeignReference } from './shipment-conflicts.ts';

export type ShipmentEvent = Extract<CanonicalEvent, { type: 'shipment.updated' }>;

export type ShipmentEventOutcome = 'applied' | 'stale' | 'unknown_shipment' | 'conflict';

/**
 * A 3PL's word about one shipment. Found by our reference, its 3PL id checked against the binding
 * (a disagreement is held for a person, never applied); applied only forward (a late "accepted"
 * after "shipped" changes nothing); a shipment that gains tracking is queued for write-back. The
 * parcels it was shipped in, when the 3PL names them, are applied in the same transaction, each
 * forward on its own: a second parcel that ships moves the parcel (and is written back) even when
 * the shipment's summary, shipped already, does not move.
 */
export async function applyShipmentEvent(
  hub: Pick<Hub, 'boss' | 'db' | 'log'>,
  source: LoadedConnection,
  event: ShipmentEvent,
): Promise<ShipmentEventOutcome> {
  return hub.db.transaction().execute((trx) => applyShipmentEventIn(hub, trx, source, event));
}

/** The same, inside the caller's transaction (releasing a held conflict applies its events so). */
export async function applyShipmentEventIn(
  hub: Pick<Hub, 'boss' | 'db' | 'log'>,
  trx: Transaction<Database>,
  source: LoadedConnection,
  event: ShipmentEvent,
): Promise<ShipmentEventOutcome> {
  const connectionId = source.row.id;
  const reference = event.reference.trim();
  const boundShipmentId = await findByExternalId(trx, {
    connectionId,
    entity: 'shipment',
    externalId: event.externalId,
  });
  const referenced =
    reference !== '' && isUuid(reference)
      ? await trx
          .selectFrom('shipments')
          .select('id')
          .where('id', '=', reference)
          .where('fulfillment_connection_id', '=', connectionId)
          .executeTakeFirst()
      : undefined;
  const match = matchShipment({
    reference,
    externalId: event.externalId,
    byReference: referenced
      ? {
          shipmentId: referenced.id,
          knownExternalId: await findByHubId(trx, { connectionId, entity: 'shipment', hubId: referenced.id }),
        }
      : null,
    bound: boundShipmentId === null ? null : { shipmentId: boundShipmentId },
  });

  switch (match.kind) {
    case 'none':
      return 'unknown_shipment';
    case 'foreign_reference':
      await noteForeignReference(trx, { connectionId, event, boundShipmentId: match.boundShipmentId });
      hub.log.warn(
        { connectionId, reference, externalId: event.externalId, boundShipmentId: match.boundShipmentId },
        "a 3PL event names a reference that is none of our shipments, with another shipment's 3PL id: not applied",
      );
      return 'conflict';
    case 'conflict':
      await holdShipmentConflict(trx, { connectionId, event, match });
      hub.log.warn(
        { connectionId, shipmentId: match.shipmentId, externalId: event.externalId, reason: match.reason },
        "a 3PL event's id disagrees with the shipment it names: held for a person, not applied",
      );
      return 'conflict';
    case 'matched':
      return applyToShipment(hub, trx, source, event, match.shipmentId, match.bind);
  }
}

async function applyToShipment(
  hub: Pick<Hub, 'boss' | 'db' | 'log'>,
  trx: Transaction<Database>,
  source: LoadedConnection,
  event: ShipmentEvent,
  shipmentId: string,
  bind: boolean,
): Promise<ShipmentEventOutcome> {
  const shipment = await trx
    .selectFrom('shipments')
    .selectAll()
    .where('id', '=', shipmentId)
    .where('fulfillment_connection_id', '=', source.row.id)
    .forUpdate()
    .executeTakeFirst();
  if (!shipment) return 'unknown_shipment';

  if (bind) {
    // The 3PL knew the shipment before we recorded its id (a crash after submit): bind it now.
    await bindRemoteId(trx, {
      merchantId: shipment.merchant_id,
      connectionId: source.row.id,
      entity: 'shipment',
      externalId: event.externalId,
      hubId: shipment.id,
    });
  }

  const parcelsChanged = event.parcels?.length
    ? await applyParcels(trx, shipment, event.parcels, event.occurredAt)
    : 0;
  const from = shipment.status;
  const to = event.status;
  const newerTracking =
    event.tracking !== null &&
    event.tracking.number !== shipment.tracking_number &&
    (to === 'shipped' || from === 'shipped');
  const summaryMoves = isShipmentForward(from, to) || newerTracking;
  if (!summaryMoves && parcelsChanged === 0) {
    await recordOrderEvent(trx, {
      merchantId: shipment.merchant_id,
      orderId: shipment.order_id,
      type: 'shipment.event_ignored',
      detail: { shipmentId: shipment.id, from, to, occurredAt: event.occurredAt },
    });
    return 'stale';
  }
  if (summaryMoves) await applySummary(trx, shipment, event);
  const status = isShipmentForward(from, to) ? to : from;
  const trackingNumber = event.tracking?.number ?? shipment.tracking_number;
  const summaryUnwritten =
    summaryMoves &&
    (status === 'shipped' || status === 'delivered') &&
    trackingNumber !== null &&
    trackingNumber !== shipment.tracking_written_number;
  if (summaryUnwritten || (parcelsChanged > 0 && (await hasUnwrittenParcel(trx, shipment)))) {
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
}

/** The shipment's own status and tracking: the 3PL's summary of its parcels, when it has several. */
async function applySummary(trx: Transaction<Database>, shipment: Shipment, event: ShipmentEvent) {
  const from = shipment.status;
  const status = isShipmentForward(from, event.status) ? event.status : from;
  await trx
    .updateTable('shipments')
    .set({
      status,
      status_reason: event.reason,
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
}
