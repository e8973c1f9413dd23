import { describe, expect, it } from 'vitest';
import { decideRetry } from './retry-order.ts';

const order = (overrides: Partial<Parameters<typeof decideRetry>[0]> = {}) => ({
  status: 'on_hold',
  cancelled: false,
  ready_to_fulfill: true,
  cancellation_requested: false,
  ...overrides,
});

describe('what an order retry does', () => {
  it('routes a held order with nothing at a 3PL again from the start', () => {
    expect(decideRetry(order(), [])).toMatchObject({ kind: 'retry', action: 'route_again' });
    expect(decideRetry(order({ status: 'exception' }), ['rejected', 'cancelled'])).toMatchObject({
      kind: 'retry',
      action: 'route_again',
    });
  });

  it('does not route afresh a held order with a shipment at a 3PL', () => {
    expect(decideRetry(order(), ['accepted'])).toMatchObject({
      kind: 'refused',
      reason: 'nothing_to_retry',
      message: expect.stringContaining('at a 3PL'),
    });
  });

  it('releases a 3PL event held for an id conflict, although the shipment is at the 3PL', () => {
    expect(
      decideRetry(order({ status: 'exception', status_reason: 'remote_id_conflict' }), ['accepted']),
    ).toMatchObject({ kind: 'retry', action: 'release_event' });
  });

  it('writes back tracking the storefront was never told, on an order that shipped', () => {
    expect(decideRetry(order({ status: 'shipped' }), ['shipped'], 1)).toMatchObject({
      kind: 'retry',
      action: 'write_tracking',
    });
    expect(decideRetry(order({ status: 'shipped' }), ['shipped'], 0)).toMatchObject({ kind: 'refused' });
  });

  it('submits shipments not yet at a 3PL (a 3PL that was down until the job gave up)', () => {
    expect(decideRetry(order({ status: 'ready' }), ['pending'])).toMatchObject({
      kind: 'retry',
      action: 'submit',
    });
  });

  it('routes a received order, but not one the storefront has not released', () => {
    expect(decideRetry(order({ status: 'received' }), [])).toMatchObject({ kind: 'retry', action: 'route' });
    expect(decideRetry(order({ status: 'received', ready_to_fulfill: false }), [])).toMatchObject({
      kind: 'refused',
      reason: 'not_ready',
    });
  });

  it('carries out a cancellation not yet done, and answers a pending cancellation request', () => {
    expect(decideRetry(order({ status: 'accepted', cancelled: true }), ['accepted'])).toMatchObject({
      kind: 'retry',
      action: 'cancel',
    });
    expect(
      decideRetry(order({ status: 'shipped', cancelled: true, cancellation_requested: true }), ['shipped']),
    ).toMatchObject({ kind: 'retry', action: 'answer_cancellation' });
    expect(decideRetry(order({ status: 'cancelled', cancelled: true }), ['cancelled'])).toMatchObject({
      kind: 'refused',
      reason: 'nothing_to_retry',
    });
  });

  it('refuses an order that is on its way, naming its status', () => {
    for (const status of ['submitted', 'accepted', 'shipped', 'delivered']) {
      expect(decideRetry(order({ status }), ['accepted'])).toEqual({
        kind: 'refused',
        reason: 'nothing_to_retry',
        message: `the order is ${status}: nothing to retry`,
      });
    }
  });
});
