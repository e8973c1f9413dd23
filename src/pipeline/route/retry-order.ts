/**
 * What `POST /api/orders/:id/retry` would do for an order, decided before anything is queued, so
 * the answer says it: the same steps the advance-order job takes (handlers.ts, advance-order.ts).
 * Pure: the order and its shipments' statuses in, a decision out.
 */

const TERMINAL_FOR_CANCEL = new Set(['cancelled', 'partially_shipped', 'shipped', 'delivered']);
const HELD = new Set(['on_hold', 'exception']);
/** Shipments that are, or may be, at a 3PL: an order with one is not routed afresh. */
const NOT_LIVE = new Set(['rejected', 'cancelled']);

export type RetryAction =
  | 'route_again'
  | 'route'
  | 'submit'
  | 'cancel'
  | 'answer_cancellation'
  | 'release_event'
  | 'write_tracking';

export type RetryDecision =
  | { kind: 'retry'; action: RetryAction; message: string }
  | { kind: 'refused'; reason: 'nothing_to_retry' | 'not_ready'; message: string };

export function decideRetry(
  order: {
    status: string;
    status_reason?: string | null;
    cancelled: boolean;
    ready_to_fulfill: boolean;
    cancellation_requested: boolean;
  },
  shipmentStatuses: string[],
  /** Shipments that shipped with tracking the storefront was never told (a dead-lettered write-back). */
  unwrittenTracking = 0,
): RetryDecision {
  const retry = (action: RetryAction, message: string): RetryDecision => ({ kind: 'retry', action, message });
  if (order.cancelled) {
    if (!TERMINAL_FOR_CANCEL.has(order.status))
      return retry('cancel', 'the cancellation is carried out again at the 3PL');
    if (order.cancellation_requested)
      return retry('answer_cancellation', 'the storefront is answered about the cancellation again');
    return refused('nothing_to_retry', `the order is ${order.status} and cancelled: nothing to retry`);
  }
  // A 3PL event held because its id is bound to another shipment: the person trusts our reference.
  if (order.status === 'exception' && order.status_reason === 'remote_id_conflict')
    return retry('release_event', 'the held 3PL event is applied to the shipment our reference names');
  const live = shipmentStatuses.filter((status) => !NOT_LIVE.has(status));
  if (HELD.has(order.status) && live.length === 0)
    return retry('route_again', 'the order is routed again from the start');
  if (order.status === 'received') {
    if (order.ready_to_fulfill) return retry('route', 'the order is routed');
    return refused(
      'not_ready',
      'the storefront has not released the order for fulfilment (unpaid, or on hold there)',
    );
  }
  if (shipmentStatuses.includes('pending'))
    return retry('submit', 'the shipments not yet at a 3PL are submitted again');
  if (unwrittenTracking > 0)
    return retry('write_tracking', 'the tracking the storefront was never told is written back again');
  if (HELD.has(order.status))
    return refused(
      'nothing_to_retry',
      `the order is ${order.status} with shipments at a 3PL, so it is not routed afresh`,
    );
  return refused('nothing_to_retry', `the order is ${order.status}: nothing to retry`);
}

function refused(reason: 'nothing_to_retry' | 'not_ready', message: string): RetryDecision {
  return { kind: 'refused', reason, message };
}
