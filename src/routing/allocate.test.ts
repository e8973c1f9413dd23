import { describe, expect, it } from 'vitest';
import { type AllocationCandidate, allocate } from './allocate.ts';

const candidate = (
  locationId: string,
  stock: Record<string, number>,
  alreadyUsed = false,
): AllocationCandidate => ({
  locationId,
  stock: new Map(Object.entries(stock)),
  alreadyUsed,
});
const lines = (...skus: string[]) => skus.map((sku) => ({ lineId: sku, sku, quantity: 1 }));
const where = (result: ReturnType<typeof allocate>, candidates: AllocationCandidate[]) =>
  result.placed.map((entry) => [
    candidates[entry.candidateIndex]?.locationId,
    entry.lines.map((l) => l.lineId),
  ]);

describe('allocation', () => {
  it('finds the fewest shipments even among many candidates, by greedy cover past the exact search', () => {
    const many = Array.from({ length: 13 }, (_, index) =>
      candidate(`c${String(index).padStart(2, '0')}`, { [`s${index}`]: 1 }),
    );
    many.push(
      candidate('all', Object.fromEntries(Array.from({ length: 13 }, (_, index) => [`s${index}`, 1]))),
    );
    const wanted = lines(...Array.from({ length: 13 }, (_, index) => `s${index}`));
    const result = allocate({ lines: wanted, candidates: many, mode: 'fewest_shipments', allowSplit: true });
    expect(where(result, many)).toEqual([['all', wanted.map((l) => l.lineId)]]);
    expect(result.unplaced).toEqual([]);
  });

  it('prefers, among equally few shipments, a location already shipping, then the better ranked', () => {
    const candidates = [candidate('best', { a: 1 }), candidate('used', { a: 1 }, true)];
    const result = allocate({ lines: lines('a'), candidates, mode: 'fewest_shipments', allowSplit: true });
    expect(where(result, candidates)).toEqual([['used', ['a']]]);
    const fresh = [candidate('best', { a: 1 }), candidate('next', { a: 1 })];
    expect(
      where(
        allocate({ lines: lines('a'), candidates: fresh, mode: 'fewest_shipments', allowSplit: true }),
        fresh,
      ),
    ).toEqual([['best', ['a']]]);
  });

  it('without splitting places everything at one location or nothing', () => {
    const candidates = [candidate('x', { a: 1 }), candidate('y', { b: 1 })];
    for (const mode of ['fewest_shipments', 'ranked'] as const) {
      const result = allocate({ lines: lines('a', 'b'), candidates, mode, allowSplit: false });
      expect(result.placed).toEqual([]);
      expect(result.unplaced).toEqual(lines('a', 'b'));
    }
  });

  it('ranked lets each location, best first, take what it can', () => {
    const candidates = [candidate('first', { a: 2 }), candidate('second', { a: 5 })];
    const result = allocate({
      lines: [{ lineId: 'l', sku: 'a', quantity: 4 }],
      candidates,
      mode: 'ranked',
      allowSplit: true,
    });
    expect(result.placed.map((entry) => entry.lines[0]?.quantity)).toEqual([2, 2]);
  });

  it('places what stock allows and returns the rest unplaced', () => {
    const candidates = [candidate('x', { a: 1 }), candidate('y', { a: 1 })];
    const result = allocate({
      lines: [{ lineId: 'l', sku: 'a', quantity: 5 }],
      candidates,
      mode: 'fewest_shipments',
      allowSplit: true,
    });
    expect(result.placed).toHaveLength(2);
    expect(result.unplaced).toEqual([{ lineId: 'l', sku: 'a', quantity: 3 }]);
  });
});
