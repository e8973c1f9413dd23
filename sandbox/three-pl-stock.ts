/**
 * The sandbox 3PL's stock at one of its locations (one ledger per location). Units stay on hand until they ship; an accepted
 * order allocates them, so what the warehouse can promise (`available`) drops at acceptance, not
 * at shipping. Over-allocated units are backordered, so availability never goes below 0.
 */
export interface StockLine {
  sku: string;
  quantity: number;
}

export interface StockLedger {
  /** Whether the warehouse stocks the SKU at all (a SKU at 0 is still known). */
  knows(sku: string): boolean;
  available(sku: string): number;
  /** An order was accepted. */
  allocate(lines: readonly StockLine[]): void;
  /** An accepted order was cancelled. */
  release(lines: readonly StockLine[]): void;
  /** An accepted order left the warehouse. */
  ship(lines: readonly StockLine[]): void;
  /** A stock count: sets what is available now, keeping existing allocations. */
  setAvailable(sku: string, available: number): void;
  /** Levels of the given SKUs (each once), or of every SKU. */
  levels(skus?: Iterable<string>): { sku: string; available: number }[];
}

export function createStockLedger(initial: Record<string, number>): StockLedger {
  const records = new Map(
    Object.entries(initial).map(([sku, units]) => [sku, { onHand: units, allocated: 0 }]),
  );

  function record(sku: string) {
    let found = records.get(sku);
    if (!found) {
      found = { onHand: 0, allocated: 0 };
      records.set(sku, found);
    }
    return found;
  }

  function available(sku: string): number {
    const found = records.get(sku);
    return found ? Math.max(0, found.onHand - found.allocated) : 0;
  }

  return {
    knows: (sku) => records.has(sku),
    available,
    allocate(lines) {
      for (const { sku, quantity } of lines) record(sku).allocated += quantity;
    },
    release(lines) {
      for (const { sku, quantity } of lines) record(sku).allocated -= quantity;
    },
    ship(lines) {
      for (const { sku, quantity } of lines) {
        const found = record(sku);
        found.onHand -= quantity;
        found.allocated -= quantity;
      }
    },
    setAvailable(sku, units) {
      const found = record(sku);
      found.onHand = units + found.allocated;
    },
    levels(skus = records.keys()) {
      return [...new Set(skus)].map((sku) => ({ sku, available: available(sku) }));
    },
  };
}
