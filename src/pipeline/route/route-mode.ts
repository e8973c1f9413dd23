// Whether, and how much of, an order is to be routed: the whole of a ready order, or the held part
// of one whose other lines are at a 3PL.

/** States in which an order has lines at a 3PL, so a held part of it can still be routed. */
const PART_ROUTABLE = new Set(['ready', 'submitted', 'accepted', 'partially_shipped']);

export type Mode = 'full' | 'part';

export function modeOf(
  order: { status: string; ready_to_fulfill: boolean; cancelled: boolean },
  hasHeldLines: boolean,
): Mode | null {
  if (order.cancelled) return null;
  if (order.status === 'received' && order.ready_to_fulfill) return 'full';
  if (hasHeldLines && PART_ROUTABLE.has(order.status)) return 'part';
  return null;
}

/** Whether routing may have something to do for an order in this state (a cheap first look). */
export function mayRoute(order: { status: string; ready_to_fulfill: boolean; cancelled: boolean }): boolean {
  return modeOf(order, true) !== null;
}
