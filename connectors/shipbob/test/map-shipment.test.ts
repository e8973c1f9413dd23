import { describe, expect, it } from 'vitest';
import { linesOf, type Parcel, parcelOf, summarize } from '../map-shipment.ts';

const parcel = (over: Partial<Parcel>): Parcel => ({
  externalId: '1',
  status: 'accepted',
  tracking: null,
  location: null,
  reason: null,
  ...over,
});
const track = (number: string) => ({ carrier: 'UPS', number, url: null });

describe('one hub shipment from several ShipBob shipments', () => {
  it('is shipped as soon as one parcel is, with the tracking of the first parcel that has one', () => {
    expect(
      summarize([
        parcel({ externalId: '20', status: 'shipped', tracking: track('B') }),
        parcel({ externalId: '10', status: 'shipped', tracking: track('A') }),
        parcel({ externalId: '30' }),
      ]),
    ).toEqual({ status: 'shipped', tracking: track('A'), reason: null });
  });

  it('is delivered only when every live parcel is; cancelled parcels do not count', () => {
    expect(
      summarize([
        parcel({ status: 'delivered', tracking: track('A') }),
        parcel({ externalId: '2', status: 'shipped', tracking: track('B') }),
      ]).status,
    ).toBe('shipped');
    expect(
      summarize([
        parcel({ status: 'delivered', tracking: track('A') }),
        parcel({ externalId: '2', status: 'cancelled' }),
      ]).status,
    ).toBe('delivered');
  });

  it('is cancelled when every parcel is, in exception with the reasons when none shipped, accepted otherwise', () => {
    expect(
      summarize([parcel({ status: 'cancelled' }), parcel({ externalId: '2', status: 'cancelled' })]).status,
    ).toBe('cancelled');
    expect(
      summarize([
        parcel({ status: 'exception', reason: 'on hold; InvalidAddress' }),
        parcel({ externalId: '2' }),
      ]),
    ).toEqual({
      status: 'exception',
      tracking: null,
      reason: 'shipment 1: on hold; InvalidAddress',
    });
    expect(summarize([])).toEqual({ status: 'accepted', tracking: null, reason: null });
  });
});

describe('a ShipBob shipment status', () => {
  it('maps every documented status', () => {
    const tracking = { tracking_number: '1Z', carrier: 'UPS' };
    const status = (s: string, extra: object = {}) => parcelOf({ id: 1, status: s, ...extra }).status;
    expect(status('None')).toBe('accepted');
    expect(status('Processing')).toBe('accepted');
    expect(status('ImportReview')).toBe('accepted');
    expect(status('LabeledCreated')).toBe('accepted');
    expect(status('LabeledCreated', { tracking })).toBe('shipped');
    expect(status('Completed', { tracking })).toBe('shipped');
    expect(status('Completed', { tracking, delivery_date: '2026-11-29T10:00:00Z' })).toBe('delivered');
    expect(status('Exception')).toBe('exception');
    expect(status('OnHold')).toBe('exception');
    expect(status('CleanSweeped')).toBe('exception');
    expect(status('Cancelled', { tracking })).toBe('cancelled');
    expect(
      parcelOf({ id: 1, status: 'Completed', tracking: { tracking_id: '9261', tracking_url: 'https://t' } })
        .tracking,
    ).toEqual({
      carrier: null,
      number: '9261',
      url: 'https://t',
    });
  });
});

describe('what a ShipBob shipment holds', () => {
  const item = (quantity: number) => ({ id: 7, quantity });

  it('is its products by the SKU the hub ordered them with, the quantity from the one inventory item', () => {
    expect(
      linesOf({
        id: 1,
        products: [
          { reference_id: 'SBX-MUG', sku: 'shipbob-sku', inventory_items: [item(2)] },
          { reference_id: ' SBX-TEE ', quantity: 1 },
          { reference_id: 'SBX-MUG', inventory_items: [item(1)] },
        ],
      }),
    ).toEqual([
      { sku: 'SBX-MUG', quantity: 3 },
      { sku: 'SBX-TEE', quantity: 1 },
    ]);
  });

  it('is not said when ShipBob leaves out the products or a quantity (a bundle of several items)', () => {
    expect(linesOf({ id: 1 })).toBeUndefined();
    expect(linesOf({ id: 1, products: [] })).toBeUndefined();
    expect(
      linesOf({
        id: 1,
        products: [
          { reference_id: 'SBX-MUG', inventory_items: [item(1)] },
          { reference_id: 'SBX-KIT', inventory_items: [item(1), item(2)] },
        ],
      }),
    ).toBeUndefined();
    expect(linesOf({ id: 1, products: [{ inventory_items: [item(1)] }] })).toBeUndefined();
    expect(
      linesOf({ id: 1, products: [{ reference_id: 'SBX-MUG', quantity: 2_147_483_648 }] }),
    ).toBeUndefined();
  });

  it('rides along on the parcel only when known', () => {
    expect(parcelOf({ id: 1, status: 'Processing' })).not.toHaveProperty('lines');
    expect(parcelOf({ id: 1, products: [{ reference_id: 'SBX-MUG', quantity: 1 }] }).lines).toEqual([
      { sku: 'SBX-MUG', quantity: 1 },
    ]);
  });
});
