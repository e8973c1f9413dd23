/**
 * Cancelling at ShipBob, with its answer per shipment. `POST /order/{id}:cancel` cancels the order
 * and every shipment still cancellable, and says per shipment whether it worked and why not
 * (`canceled_shipment_results[{shipment_id, is_success, reason}]`);
 * `POST /order/{id}/shipment/{shipmentId}:cancel` cancels one, only before it is picked, packed
 * or shipped. A refusal (too late, already picked) is an answer, not an error: it is returned as
 * `refused` with ShipBob's reason, for the hub to record and show.
 */
import { NeedsHumanError } from '../../src/sdk/index.ts';
import { shipBobMessages, summarize, unexpectedResponse } from './api-errors.ts';
import type { ShipBobClient, ShipBobResponse } from './client.ts';
import { readOrder } from './orders.ts';
import { cancelOrderResponse, idOf, type ShipBobOrder, shipmentResponse } from './payloads.ts';

export interface ParcelOutcome {
  externalId: string;
  outcome: 'cancelled' | 'refused';
  reason: string | null;
}

export interface CancelOutcome {
  outcome: 'cancelled' | 'refused';
  reason: string | null;
  parcels: ParcelOutcome[];
}

/** Pure: the hub shipment is cancelled only when every parcel is; otherwise ShipBob's reasons. */
export function combine(parcels: ParcelOutcome[]): CancelOutcome {
  const refused = parcels.filter((p) => p.outcome === 'refused');
  if (refused.length === 0) return { outcome: 'cancelled', reason: null, parcels };
  const reason = refused
    .map((p) => `shipment ${p.externalId}: ${p.reason ?? 'ShipBob could not cancel it'}`)
    .join('; ')
    .slice(0, 500);
  return { outcome: 'refused', reason, parcels };
}

function alreadyCancelled(order: ShipBobOrder | null): ParcelOutcome[] | null {
  if (!order) return null;
  const shipments = order.shipments ?? [];
  const allCancelled =
    order.status === 'Cancelled' ||
    (shipments.length > 0 && shipments.every((s) => s.status === 'Cancelled'));
  return allCancelled
    ? shipments.map((s) => ({ externalId: idOf(s.id), outcome: 'cancelled', reason: null }))
    : null;
}

/** What a refusal said, for the record. */
function refusal(response: ShipBobResponse): string {
  return summarize(shipBobMessages(response.body)) || `ShipBob answered ${response.status}`;
}

export async function cancelOrder(
  client: ShipBobClient,
  orderId: string,
  channelId: number,
): Promise<CancelOutcome> {
  const response = await client.request({
    method: 'POST',
    path: `order/${encodeURIComponent(orderId)}:cancel`,
    channelId,
  });
  if (response.status === 200) {
    const answer = cancelOrderResponse.fromResponse(response.body, 'POST /order/:id:cancel');
    const parcels = (answer.canceled_shipment_results ?? []).map(
      (result): ParcelOutcome => ({
        externalId: idOf(result.shipment_id),
        outcome: result.is_success ? 'cancelled' : 'refused',
        reason: result.is_success
          ? null
          : (result.reason?.trim() || 'ShipBob could not cancel this shipment').slice(0, 300),
      }),
    );
    if (parcels.length === 0 && answer.status === 'Failure') {
      return { outcome: 'refused', reason: 'ShipBob could not cancel the order', parcels };
    }
    return combine(parcels);
  }
  if (response.status === 404) {
    throw new NeedsHumanError('shipbob_order_not_found', `ShipBob has no order ${orderId} to cancel`, {
      orderId,
    });
  }
  if (response.status === 400 || response.status === 422) {
    // Cancelling twice must not read as a refusal: look at the order before calling it one.
    const cancelled = alreadyCancelled(await readOrder(client, orderId));
    if (cancelled) return { outcome: 'cancelled', reason: null, parcels: cancelled };
    return { outcome: 'refused', reason: refusal(response), parcels: [] };
  }
  throw unexpectedResponse('POST /order/:id:cancel', response, 'cancel_refused');
}

/** One ShipBob shipment of an order (a parcel), leaving the others to ship. */
export async function cancelParcel(
  client: ShipBobClient,
  input: { orderId: string; shipmentId: string; channelId: number },
): Promise<ParcelOutcome> {
  const path = `order/${encodeURIComponent(input.orderId)}/shipment/${encodeURIComponent(input.shipmentId)}:cancel`;
  const response = await client.request({ method: 'POST', path, channelId: input.channelId });
  if (response.status === 200) {
    const shipment = shipmentResponse.fromResponse(response.body, 'POST /order/:id/shipment/:id:cancel');
    return shipment.status === 'Cancelled' || shipment.status === undefined || shipment.status === null
      ? { externalId: input.shipmentId, outcome: 'cancelled', reason: null }
      : { externalId: input.shipmentId, outcome: 'refused', reason: `the shipment is ${shipment.status}` };
  }
  if (response.status === 404) {
    throw new NeedsHumanError(
      'shipbob_shipment_not_found',
      `ShipBob has no shipment ${input.shipmentId} on order ${input.orderId}`,
      {
        orderId: input.orderId,
        shipmentId: input.shipmentId,
      },
    );
  }
  if (response.status === 400 || response.status === 422) {
    const order = await readOrder(client, input.orderId);
    const shipment = order?.shipments?.find((s) => idOf(s.id) === input.shipmentId);
    if (shipment?.status === 'Cancelled')
      return { externalId: input.shipmentId, outcome: 'cancelled', reason: null };
    return { externalId: input.shipmentId, outcome: 'refused', reason: refusal(response) };
  }
  throw unexpectedResponse('POST /order/:id/shipment/:id:cancel', response, 'cancel_refused');
}
