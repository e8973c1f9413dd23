import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { availableToPromise, availableToPromiseByLocation, type RoutedLine } from './available-to-promise.ts';
import { SHIPMENT_STATES } from './order-state.ts';

const quantity = fc.integer({ min: 0, max: 1_000_000 });
const routedLine = fc.record({
  location: fc.constantFrom('SBX-EU-1', 'SBX-US-1'),
  sku: fc.constantFrom('A', 'B', 'C'),
  quantity: fc.integer({ min: 1, max: 1000 }),
  state: fc.constantFrom(...SHIPMENT_STATES),
});

describe('available to promise', () => {
  it('subtracts only what is routed and not yet allocated by the 3PL', () => {
    const rows = availableToPromiseByLocation(
      [
        { location: 'SBX-EU-1', sku: 'A', available: 10 },
        { location: 'SBX-US-1', sku: 'A', available: 4 },
      ],
      [
        { location: 'SBX-EU-1', sku: 'A', quantity: 2, state: 'pending' },
        { location: 'SBX-EU-1', sku: 'A', quantity: 3, state: 'submitted' },
        // Accepted: the 3PL's fulfillable count already leaves these out.
        { location: 'SBX-EU-1', sku: 'A', quantity: 5, state: 'accepted' },
        { location: 'SBX-US-1', sku: 'B', quantity: 1, state: 'pending' },
      ],
    );
    expect(rows).toEqual([
      { location: 'SBX-EU-1', sku: 'A', fulfillable: 10, routed: 5, atp: 5 },
      { location: 'SBX-US-1', sku: 'A', fulfillable: 4, routed: 0, atp: 4 },
      { location: 'SBX-US-1', sku: 'B', fulfillable: 0, routed: 1, atp: -1 },
    ]);
  });

  it('is never negative when the 3PL reports at least what is routed', () => {
    fc.assert(
      fc.property(quantity, quantity, (a, b) => {
        const [routed, fulfillable] = a <= b ? [a, b] : [b, a];
        expect(availableToPromise(fulfillable, routed)).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('never rises when more is routed to the location', () => {
    fc.assert(
      fc.property(
        quantity,
        fc.array(routedLine, { maxLength: 20 }),
        routedLine,
        (available, routed, extra) => {
          const stock = [{ location: extra.location, sku: extra.sku, available }];
          const atpOf = (lines: RoutedLine[]) =>
            availableToPromiseByLocation(stock, lines).find(
              (row) => row.location === extra.location && row.sku === extra.sku,
            )?.atp;
          const before = atpOf(routed);
          const after = atpOf([...routed, extra]);
          expect(before).toBeDefined();
          expect(after).toBeLessThanOrEqual(before ?? Number.NaN);
        },
      ),
    );
  });

  it('is never negative per location when each location’s stock covers what is routed there', () => {
    fc.assert(
      fc.property(fc.array(routedLine, { maxLength: 20 }), quantity, (routed, spare) => {
        const totals = new Map<string, number>();
        for (const line of routed) {
          const key = `${line.location}/${line.sku}`;
          totals.set(key, (totals.get(key) ?? 0) + line.quantity);
        }
        const stock = [...totals].map(([key, total]) => {
          const [location = '', sku = ''] = key.split('/');
          return { location, sku, available: total + spare };
        });
        for (const row of availableToPromiseByLocation(stock, routed))
          expect(row.atp).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
