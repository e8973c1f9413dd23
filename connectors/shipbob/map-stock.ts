/**
 * ShipBob's stock per fulfillment centre (`GET /inventory-level/locations`) as the hub's levels:
 * one per SKU and centre, `location` = the centre's id, `available` = ShipBob's *fulfillable*
 * quantity (on hand minus what is committed to orders), never below zero. Pure.
 */
import type { StockLevel } from '../../src/sdk/index.ts';
import { idOf, type ShipBobInventoryLevel } from './payloads.ts';

export function stockLevels(items: ShipBobInventoryLevel[]): StockLevel[] {
  const levels: StockLevel[] = [];
  for (const item of items) {
    const sku = item.sku?.trim();
    // An inventory item without a SKU cannot be matched to any storefront line.
    if (!sku) continue;
    for (const location of item.locations ?? []) {
      levels.push({
        sku,
        location: idOf(location.location_id),
        available: Math.max(0, location.fulfillable_quantity),
      });
    }
  }
  return levels;
}
