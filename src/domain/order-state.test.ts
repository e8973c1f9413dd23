import { describe, expect, it } from 'vitest';
import {
  canMoveOrder,
  deriveOrderStateFromShipments,
  IllegalTransitionError,
  isShipmentForward,
  moveOrder,
  moveShipment,
} from './order-state.ts';

describe('order state machine', () => {
  it('follows the happy path', () => {
    let state = moveOrder('received', 'ready');
    state = moveOrder(state, 'submitted');
    state = moveOrder(state, 'accepted');
    state = moveOrder(state, 'partially_shipped');
    state = moveOrder(state, 'shipped');
    expect(moveOrder(state, 'delivered')).toBe('delivered');
  });

  it('rejects illegal moves', () => {
    expect(() => moveOrder('shipped', 'received')).toThrow(IllegalTransitionError);
    expect(() => moveOrder('cancelled', 'ready')).toThrow(/cancelled → ready/);
    expect(canMoveOrder('delivered', 'cancelled')).toBe(false);
    expect(canMoveOrder('shipped', 'cancelled')).toBe(false);
  });

  it('lets a held order be routed again or cancelled', () => {
    expect(canMoveOrder('on_hold', 'received')).toBe(true);
    expect(canMoveOrder('on_hold', 'cancelled')).toBe(true);
    expect(canMoveOrder('on_hold', 'shipped')).toBe(false);
  });

  it('lets a released exception go back to where the order was, but not skip ahead', () => {
    expect(canMoveOrder('accepted', 'exception')).toBe(true);
    expect(canMoveOrder('exception', 'accepted')).toBe(true);
    expect(canMoveOrder('exception', 'partially_shipped')).toBe(true);
    expect(canMoveOrder('exception', 'shipped')).toBe(false);
  });
});

describe('shipment state machine', () => {
  it('applies only forward moves, so late events change nothing', () => {
    expect(isShipmentForward('accepted', 'shipped')).toBe(true);
    expect(isShipmentForward('shipped', 'accepted')).toBe(false);
    expect(isShipmentForward('delivered', 'shipped')).toBe(false);
    expect(isShipmentForward('shipped', 'shipped')).toBe(false);
  });

  it('accepts a shipped event for a shipment whose submission was never recorded', () => {
    expect(moveShipment('pending', 'shipped')).toBe('shipped');
  });

  it('rejects leaving a final state', () => {
    expect(() => moveShipment('cancelled', 'shipped')).toThrow(IllegalTransitionError);
    expect(() => moveShipment('rejected', 'accepted')).toThrow(IllegalTransitionError);
  });
});

describe('order state derived from shipments', () => {
  it('is shipped when every live shipment shipped, partially when some did', () => {
    expect(deriveOrderStateFromShipments(['shipped', 'shipped'])).toBe('shipped');
    expect(deriveOrderStateFromShipments(['shipped', 'accepted'])).toBe('partially_shipped');
    expect(deriveOrderStateFromShipments(['shipped', 'cancelled'])).toBe('shipped');
    expect(deriveOrderStateFromShipments(['delivered', 'delivered'])).toBe('delivered');
    expect(deriveOrderStateFromShipments(['accepted'])).toBe('accepted');
  });

  it('decides nothing when shipments are still on their way to the 3PL', () => {
    expect(deriveOrderStateFromShipments(['pending'])).toBeNull();
    expect(deriveOrderStateFromShipments([])).toBeNull();
    expect(deriveOrderStateFromShipments(['rejected'])).toBeNull();
  });
});

describe('order state with a held part', () => {
  it('is never shipped or delivered while lines are held back, only partially shipped', () => {
    expect(deriveOrderStateFromShipments(['shipped'], { partHeld: true })).toBe('partially_shipped');
    expect(deriveOrderStateFromShipments(['delivered', 'cancelled'], { partHeld: true })).toBe(
      'partially_shipped',
    );
    expect(deriveOrderStateFromShipments(['accepted'], { partHeld: true })).toBe('accepted');
    expect(deriveOrderStateFromShipments(['pending'], { partHeld: true })).toBeNull();
  });

  it('is shipped or delivered once the held part is released or excluded', () => {
    expect(deriveOrderStateFromShipments(['shipped'], { partHeld: false })).toBe('shipped');
    expect(deriveOrderStateFromShipments(['delivered'])).toBe('delivered');
    expect(canMoveOrder('partially_shipped', 'shipped')).toBe(true);
    expect(canMoveOrder('partially_shipped', 'delivered')).toBe(true);
  });
});
