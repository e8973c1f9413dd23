/**
 * Creating and finding ShipBob orders, keyed by our reference. ShipBob's only idempotency is that
 * `reference_id` is unique per account: a second create answers 422 (developer.shipbob.com/errors,
 * "Duplicate reference ID"). A 422 is also its answer to an invalid order, so every 422 is settled
 * by asking for the order by reference: found, it is the order an earlier attempt made (its answer
 * was lost) and is bound, never created twice; not found, ShipBob's message goes to a person.
 */
import {
  NeedsHumanError,
  RetryableError,
  type ShipmentRequest,
  type SubmittedShipment,
} from '../../src/sdk/index.ts';
import { shipBobMessages, summarize, unexpectedResponse } from './api-errors.ts';
import type { ShipBobClient } from './client.ts';
import type { ShipBobSettings } from './connection.ts';
import { createOrderBody } from './map-order.ts';
import { idOf, orderListResponse, orderResponse, type ShipBobOrder } from './payloads.ts';

export function submitted(order: ShipBobOrder, channelId: number | null): SubmittedShipment {
  return {
    externalId: idOf(order.id),
    status: 'accepted',
    // Handed back on cancel; a later createReturn needs the order and its channel too.
    data: { orderId: idOf(order.id), ...(channelId === null ? {} : { channelId }) },
  };
}

export async function findOrderByReference(
  client: ShipBobClient,
  reference: string,
): Promise<ShipBobOrder | null> {
  const response = await client.request({
    method: 'GET',
    path: 'order',
    query: { ReferenceIds: reference, Limit: 50 },
  });
  if (response.status !== 200)
    throw unexpectedResponse('GET /order?ReferenceIds', response, 'order_lookup_refused');
  const orders = orderListResponse.fromResponse(response.body, 'GET /order?ReferenceIds');
  // The filter is a comma-separated list: only an exact match is ours.
  return orders.find((order) => order.reference_id === reference) ?? null;
}

/** The order with its shipments, or null when ShipBob has none by that id (deleted, another account). */
export async function readOrder(client: ShipBobClient, orderId: string): Promise<ShipBobOrder | null> {
  const response = await client.request({ method: 'GET', path: `order/${encodeURIComponent(orderId)}` });
  if (response.status === 404) return null;
  if (response.status !== 200) throw unexpectedResponse('GET /order/:id', response, 'order_lookup_refused');
  return orderResponse.fromResponse(response.body, 'GET /order/:id');
}

const DUPLICATE_HINT = /duplicate|already exist/i;

export async function createOrder(
  client: ShipBobClient,
  input: { channelId: number; settings: ShipBobSettings; request: ShipmentRequest },
): Promise<SubmittedShipment> {
  const body = createOrderBody(input.request, input.settings);
  const response = await client.request({ method: 'POST', path: 'order', channelId: input.channelId, body });
  if (response.status === 201 || response.status === 200) {
    return submitted(orderResponse.fromResponse(response.body, 'POST /order'), input.channelId);
  }
  if (response.status === 422) {
    const existing = await findOrderByReference(client, input.request.reference);
    if (existing) return submitted(existing, input.channelId);
    const messages = shipBobMessages(response.body);
    if (messages.some((message) => DUPLICATE_HINT.test(message))) {
      // Refused as a duplicate yet not listed: ShipBob's search lags its write. Ask again later.
      throw new RetryableError(
        'duplicate_not_found',
        `ShipBob reports ${input.request.reference} as a duplicate but lists no such order yet`,
        { reference: input.request.reference },
        10_000,
      );
    }
    throw new NeedsHumanError(
      'shipbob_rejected',
      `ShipBob refused the order (422): ${summarize(messages) || 'no reason given'}`,
      {
        reference: input.request.reference,
        shipbobErrors: messages.slice(0, 20),
      },
    );
  }
  throw unexpectedResponse('POST /order', response, 'shipbob_rejected');
}
