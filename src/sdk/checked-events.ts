/**
 * The hub checks every canonical event before applying it (canonicalEventProblem), but by then a
 * webhook has been answered 200 and the sender can no longer be told. These two helpers run the
 * same check where the connector reads the platform's data, so a value the hub cannot hold is
 * dealt with at the right place: refused at the door when the sender is waiting for the answer,
 * held with its reason when it was read from the platform (a poll, a re-read), where nobody can
 * be refused and one bad order must not stop the others.
 */
import { canonicalEventProblem } from './canonical-schema.ts';
import type { CanonicalEvent } from './contracts.ts';
import { MalformedPayloadError } from './errors.ts';
import { isInstant } from './payload.ts';

/**
 * For parseWebhook: the events this body maps to, or MalformedPayloadError (which the hub answers
 * with 400 and records) naming what is wrong.
 *
 * @example
 * parseWebhook(request) {
 *   const order = readOrder(request.rawBody);
 *   refuseUnlessCanonical([{ type: 'order.upserted', order: mapOrder(order) }]); // 400 if the hub cannot hold it
 *   return { topic, dedupeKey, serialKey: orderSerialKey(order.id) };
 * }
 */
export function refuseUnlessCanonical(events: CanonicalEvent[]): CanonicalEvent[] {
  for (const event of events) {
    const problem = canonicalEventProblem(event);
    if (problem) throw new MalformedPayloadError(problem);
  }
  return events;
}

export interface OrderIdentity {
  sourceOrderId: string;
  sourceOrderName: string | null;
  sourceUpdatedAt: string | null;
}

/**
 * For an order read from the platform: its events when the mapping succeeds and the hub can hold
 * them; otherwise one `order.invalid` carrying the reason, which the hub shows on the order (held)
 * and on the delivery, instead of the poll failing (and retrying) for every order in it.
 *
 * @example
 * const events = orders.flatMap((order) =>
 *   orderEventsOrInvalid(
 *     { sourceOrderId: order.id, sourceOrderName: order.name, sourceUpdatedAt: order.updated_at },
 *     () => [{ type: 'order.upserted', order: mapOrder(order) }],
 *   ),
 * );
 */
export function orderEventsOrInvalid(order: OrderIdentity, map: () => CanonicalEvent[]): CanonicalEvent[] {
  let problem: string;
  try {
    const events = map();
    const found = events.map(canonicalEventProblem).find((p) => p !== null);
    if (!found) return events;
    problem = found;
  } catch (error) {
    if (!(error instanceof MalformedPayloadError)) throw error;
    problem = error.message;
  }
  return [
    {
      type: 'order.invalid',
      sourceOrderId: order.sourceOrderId,
      sourceOrderName: order.sourceOrderName === null ? null : storable(order.sourceOrderName).slice(0, 255),
      sourceUpdatedAt:
        order.sourceUpdatedAt && isInstant(order.sourceUpdatedAt) ? order.sourceUpdatedAt : null,
      problem: storable(problem).slice(0, 2000) || 'the order cannot be read',
    },
  ];
}

/** A reason quotes what the platform sent; the quote must itself be storable. */
function storable(text: string): string {
  return text.toWellFormed().replaceAll('\u0000', '\\u0000');
}
