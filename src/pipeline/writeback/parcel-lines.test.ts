import { describe, expect, it } from 'vitest';
import { type ParcelContents, parcelStorefrontLines } from './parcel-lines.ts';

const shipmentLines = [
  { sourceLineId: '1', sku: 'MUG', quantity: 2 },
  { sourceLineId: '2', sku: 'TEE', quantity: 1 },
  { sourceLineId: '3', sku: 'MUG', quantity: 1 },
];
const parcel = (id: string, over: Partial<ParcelContents> = {}): ParcelContents => ({
  id,
  live: true,
  lines: null,
  writtenLines: null,
  ...over,
});

describe('the storefront lines a parcel is written with', () => {
  it('are the SKUs it holds, spread over the shipment lines of that SKU and capped by their quantity', () => {
    const parcels = [parcel('a', { lines: [{ sku: 'MUG', quantity: 5 }] }), parcel('b')];
    expect(parcelStorefrontLines(shipmentLines, parcels, 'a')).toEqual([
      { sourceLineId: '1', sku: 'MUG', quantity: 2 },
      { sourceLineId: '3', sku: 'MUG', quantity: 1 },
    ]);
  });

  it('leave out what the parcels already written carried', () => {
    const parcels = [
      parcel('a', {
        lines: [{ sku: 'MUG', quantity: 2 }],
        writtenLines: [{ sourceLineId: '1', sku: 'MUG', quantity: 2 }],
      }),
      parcel('b', {
        lines: [
          { sku: 'MUG', quantity: 2 },
          { sku: 'TEE', quantity: 1 },
        ],
      }),
    ];
    expect(parcelStorefrontLines(shipmentLines, parcels, 'b')).toEqual([
      { sourceLineId: '2', sku: 'TEE', quantity: 1 },
      { sourceLineId: '3', sku: 'MUG', quantity: 1 },
    ]);
  });

  it('without contents, are what neither the written parcels nor the other live parcels hold', () => {
    const parcels = [
      parcel('a', { writtenLines: [{ sourceLineId: '1', sku: 'MUG', quantity: 1 }] }),
      parcel('b', { lines: [{ sku: 'TEE', quantity: 1 }] }),
      parcel('c', { live: false, lines: [{ sku: 'MUG', quantity: 1 }] }),
      parcel('d'),
    ];
    expect(parcelStorefrontLines(shipmentLines, parcels, 'd')).toEqual([
      { sourceLineId: '1', sku: 'MUG', quantity: 1 },
      { sourceLineId: '3', sku: 'MUG', quantity: 1 },
    ]);
  });

  it('are none when everything is covered, or the parcel holds SKUs the shipment does not have', () => {
    const written = parcel('a', { writtenLines: shipmentLines.map((line) => ({ ...line })) });
    expect(parcelStorefrontLines(shipmentLines, [written, parcel('b')], 'b')).toEqual([]);
    expect(
      parcelStorefrontLines(shipmentLines, [parcel('b', { lines: [{ sku: 'CUP', quantity: 1 }] })], 'b'),
    ).toEqual([]);
  });
});
