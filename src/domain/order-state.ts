/** The order's life as an explicit state machine; illegal moves are rejected, not ignored. */

export const ORDER_STATES = [
  'received',
  'ready',
  'submitted',
  'accepted',
  'partially_shipped',
  'shipped',
  'delivered',
  'cancelled',
  'on_hold',
  'exception',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

const ORDER_TRANSITIONS: Record<OrderState, readonly OrderState[]> = {
  received: ['ready', 'on_hold', 'cancelled', 'exception'],
  // A 3PL may report progress before our own bookkeeping of the submission (after a crash).
  ready: ['submitted', 'accepted', 'partially_shipped', 'shipped', 'on_hold', 'cancelled', 'exception'],
  submitted: ['accepted', 'partially_shipped', 'shipped', 'on_hold', 'cancelled', 'exception'],
  accepted: ['partially_shipped', 'shipped', 'cancelled', 'exception'],
  // Every remaining part may arrive at once (a held part released after the rest was delivered).
  partially_shipped: ['shipped', 'delivered', 'exception'],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
  on_hold: ['received', 'ready', 'cancelled'],
  // Back to where it was once a person released it (a 3PL event held for a conflict of ids).
  exception: ['received', 'ready', 'submitted', 'accepted', 'partially_shipped', 'cancelled'],
};

export const SHIPMENT_STATES = [
  'pending',
  'submitted',
  'accepted',
  'shipped',
  'delivered',
  'rejected',
  'cancelled',
  'exception',
] as const;
export type ShipmentState = (typeof SHIPMENT_STATES)[number];

const SHIPMENT_TRANSITIONS: Record<ShipmentState, readonly ShipmentState[]> = {
  pending: ['submitted', 'accepted', 'shipped', 'rejected', 'cancelled', 'exception'],
  submitted: ['accepted', 'shipped', 'rejected', 'cancelled', 'exception'],
  accepted: ['shipped', 'cancelled', 'exception'],
  shipped: ['delivered', 'exception'],
  delivered: [],
  rejected: [],
  cancelled: [],
  exception: ['accepted', 'shipped', 'cancelled'],
};

export class IllegalTransitionError extends Error {
  readonly from: string;
  readonly to: string;
  constructor(kind: string, from: string, to: string) {
    super(`illegal ${kind} transition ${from} → ${to}`);
    this.name = 'IllegalTransitionError';
    this.from = from;
    this.to = to;
  }
}

export function canMoveOrder(from: OrderState, to: OrderState): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

export function moveOrder(from: OrderState, to: OrderState): OrderState {
  if (!canMoveOrder(from, to)) throw new IllegalTransitionError('order', from, to);
  return to;
}

export function canMoveShipment(from: ShipmentState, to: ShipmentState): boolean {
  return SHIPMENT_TRANSITIONS[from].includes(to);
}

export function moveShipment(from: ShipmentState, to: ShipmentState): ShipmentState {
  if (!canMoveShipment(from, to)) throw new IllegalTransitionError('shipment', from, to);
  return to;
}

/** How far along a shipment is; events may arrive out of order and only forward moves apply. */
const SHIPMENT_RANK: Record<ShipmentState, number> = {
  pending: 0,
  submitted: 1,
  accepted: 2,
  exception: 3,
  shipped: 4,
  delivered: 5,
  rejected: 6,
  cancelled: 6,
};

export function isShipmentForward(from: ShipmentState, to: ShipmentState): boolean {
  return SHIPMENT_RANK[to] > SHIPMENT_RANK[from] && canMoveShipment(from, to);
}

/**
 * The order's fulfilment state follows from its shipments (Vendure's pattern): all shipped is
 * shipped, some shipped is partially shipped. Lines held back as a pending part (unidentified by
 * the 3PL, waiting for a SKU map entry or a release) are a part not yet shipped: while there are
 * any, the order is at most partially shipped. Returns null when the shipments do not decide it.
 */
export function deriveOrderStateFromShipments(
  states: readonly ShipmentState[],
  options: { partHeld?: boolean } = {},
): OrderState | null {
  const live = states.filter((s) => s !== 'cancelled' && s !== 'rejected');
  if (live.length === 0) return null;
  const arrived = (s: ShipmentState) => s === 'shipped' || s === 'delivered';
  if (options.partHeld && live.some(arrived)) return 'partially_shipped';
  if (live.every((s) => s === 'delivered')) return 'delivered';
  if (live.every(arrived)) return 'shipped';
  if (live.some(arrived)) return 'partially_shipped';
  if (live.some((s) => s === 'exception')) return 'exception';
  if (live.every((s) => s === 'accepted')) return 'accepted';
  return null;
}
