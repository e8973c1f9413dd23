import { describe, expect, it } from 'vitest';
import { matchShipment } from './match-shipment.ts';

const ours = { shipmentId: 'ship-b', knownExternalId: 'SBX-2' };

describe('matching a 3PL event to our shipment', () => {
  it('goes by our reference when the 3PL id agrees or is not bound yet', () => {
    expect(
      matchShipment({
        reference: 'ship-b',
        externalId: 'SBX-2',
        byReference: ours,
        bound: { shipmentId: 'ship-b' },
      }),
    ).toEqual({
      kind: 'matched',
      shipmentId: 'ship-b',
      bind: false,
    });
    // A crash after the submit: the 3PL knew it before we recorded its id.
    expect(
      matchShipment({
        reference: 'ship-b',
        externalId: 'SBX-2',
        byReference: { shipmentId: 'ship-b', knownExternalId: null },
        bound: null,
      }),
    ).toEqual({ kind: 'matched', shipmentId: 'ship-b', bind: true });
  });

  it('is a conflict when the 3PL id is bound to another shipment, or the shipment is known by another id', () => {
    expect(
      matchShipment({
        reference: 'ship-b',
        externalId: 'SBX-1',
        byReference: ours,
        bound: { shipmentId: 'ship-a' },
      }),
    ).toEqual({
      kind: 'conflict',
      reason: 'bound_elsewhere',
      shipmentId: 'ship-b',
      boundShipmentId: 'ship-a',
      knownExternalId: 'SBX-2',
    });
    expect(
      matchShipment({ reference: 'ship-b', externalId: 'SBX-9', byReference: ours, bound: null }),
    ).toMatchObject({
      kind: 'conflict',
      reason: 'known_by_other_id',
    });
  });

  it('uses the binding only when the event carries no reference', () => {
    expect(
      matchShipment({
        reference: '',
        externalId: 'SBX-1',
        byReference: null,
        bound: { shipmentId: 'ship-a' },
      }),
    ).toEqual({
      kind: 'matched',
      shipmentId: 'ship-a',
      bind: false,
    });
    expect(matchShipment({ reference: '', externalId: 'SBX-1', byReference: null, bound: null })).toEqual({
      kind: 'none',
    });
  });

  it('applies nowhere an event whose reference is none of ours', () => {
    expect(
      matchShipment({
        reference: 'their-42',
        externalId: 'SBX-1',
        byReference: null,
        bound: { shipmentId: 'ship-a' },
      }),
    ).toEqual({
      kind: 'foreign_reference',
      boundShipmentId: 'ship-a',
    });
    expect(
      matchShipment({ reference: 'their-42', externalId: 'SBX-7', byReference: null, bound: null }),
    ).toEqual({ kind: 'none' });
  });
});
