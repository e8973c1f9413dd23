import { describe, expect, it } from 'vitest';
import { parcelMoves } from './apply-parcels.ts';

const held = {
  status: 'shipped' as const,
  tracking_number: 'T2',
  occurred_at: new Date('2026-11-28T09:00:00.000Z'),
};
const track = (number: string) => ({ carrier: 'USPS', number, url: null });
const at = (iso: string) => new Date(iso);

describe('whether a parcel event moves the parcel', () => {
  it('moves it forward, or keeps it as it is, from a newer event', () => {
    expect(
      parcelMoves(held, { status: 'delivered', tracking: track('T2') }, at('2026-11-29T00:00:00Z')),
    ).toBe(true);
    expect(parcelMoves(held, { status: 'shipped', tracking: track('T2') }, at('2026-11-28T09:00:00Z'))).toBe(
      true,
    );
  });

  it('takes a new tracking number of a parcel that left only from a newer event (a relabel)', () => {
    expect(parcelMoves(held, { status: 'shipped', tracking: track('T3') }, at('2026-11-29T00:00:00Z'))).toBe(
      true,
    );
    expect(parcelMoves(held, { status: 'shipped', tracking: track('T1') }, at('2026-11-27T00:00:00Z'))).toBe(
      false,
    );
  });

  it('never takes it back: not from an older event, not from a newer read that lags', () => {
    expect(
      parcelMoves(held, { status: 'delivered', tracking: track('T2') }, at('2026-11-27T00:00:00Z')),
    ).toBe(false);
    expect(parcelMoves(held, { status: 'accepted', tracking: null }, at('2026-11-29T00:00:00Z'))).toBe(false);
    expect(parcelMoves(held, { status: 'exception', tracking: null }, at('2026-11-29T00:00:00Z'))).toBe(
      false,
    );
  });
});
