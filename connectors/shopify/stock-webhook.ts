/**
 * `inventory_levels/update`: someone (the merchant, another app, or our own write coming back)
 * changed `available` at a location. Only the stock location matters; there the new quantity
 * becomes what we "last saw" (the next write's `changeFromQuantity`), and, unless it is exactly
 * what we wrote, a `storefront.stock_changed` event lets the hub put the 3PL's count back.
 */
import type { CanonicalEvent } from '../../src/sdk/index.ts';
import { readState, type ShopifyContext, stockLocationOf } from './connection.ts';
import type { ShopifyDeps } from './deps.ts';
import { inventoryItemSku } from './graphql/inventory.ts';
import { gidFor } from './payload-validation.ts';
import type { WebhookInventoryLevel } from './webhook-payloads.ts';

export async function stockEventsFromWebhook(
  deps: ShopifyDeps,
  context: ShopifyContext,
  level: WebhookInventoryLevel,
): Promise<CanonicalEvent[]> {
  // The GID holds both ids exactly; the numeric fields beside it exceed 2^53.
  const match = /^gid:\/\/shopify\/InventoryLevel\/(\d+)\?inventory_item_id=(\d+)$/.exec(
    level.admin_graphql_api_id,
  );
  if (!match?.[1] || !match[2] || level.available === null) return [];
  const locationId = gidFor('Location', match[1]);
  const itemId = gidFor('InventoryItem', match[2]);
  if (locationId !== stockLocationOf(context)) return [];

  const state = readState(context);
  const inventory = state.inventoryLocationId === locationId ? { ...(state.inventory ?? {}) } : {};
  let sku = Object.entries(inventory).find(([, known]) => known.itemId === itemId)?.[0];
  if (!sku) {
    sku = (await deps.admin(context, inventoryItemSku, { id: itemId })).inventoryItem?.sku ?? undefined;
    if (!sku) return [];
  }
  // Our own write coming back (or the same news twice) changes nothing.
  if (inventory[sku]?.available === level.available) return [];
  inventory[sku] = { itemId, available: level.available };
  await context.saveState({ inventory, inventoryLocationId: locationId });
  return [
    {
      type: 'storefront.stock_changed',
      levels: [{ sku, available: level.available }],
      occurredAt: level.updated_at,
    },
  ];
}
