/** Stock at the hub's location: finding items by SKU, reading and setting `available`. */
import { bool, defineOperation, gid, int, list, nullable, object, str, type UserError } from './operation.ts';

export interface InventoryItemAtLocation {
  id: string;
  sku: string | null;
  tracked: boolean;
  /** Null when the item is not stocked at the location. */
  inventoryLevel: { quantities: { name: string; quantity: number }[] } | null;
}

/** Up to fifty items per call, found by `sku:` search terms and read at one location. */
export const inventoryItemsBySku = defineOperation<{ inventoryItems: { nodes: InventoryItemAtLocation[] } }>(
  `query HubInventoryItemsBySku($query: String!, $locationId: ID!) {
  inventoryItems(first: 50, query: $query) {
    nodes {
      id
      sku
      tracked
      inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } }
    }
  }
}`,
  object({
    inventoryItems: object({
      nodes: list(
        object({
          id: gid('InventoryItem'),
          sku: nullable(str),
          tracked: bool,
          inventoryLevel: nullable(object({ quantities: list(object({ name: str, quantity: int })) })),
        }),
      ),
    }),
  }),
);

/** The SKU of an item a webhook names only by id. */
export const inventoryItemSku = defineOperation<{ inventoryItem: { id: string; sku: string | null } | null }>(
  `query HubInventoryItemSku($id: ID!) {
  inventoryItem(id: $id) { id sku }
}`,
  object({ inventoryItem: nullable(object({ id: gid('InventoryItem'), sku: nullable(str) })) }),
);

export interface InventorySetUserError extends UserError {
  code: string | null;
}

/**
 * Absolute quantities, compare-and-set on `changeFromQuantity`, and idempotent on the key: a
 * retry with the same key and the same variables returns the first answer instead of applying
 * twice (mandatory since 2026-04).
 */
export const inventorySetQuantities = defineOperation<{
  inventorySetQuantities: {
    inventoryAdjustmentGroup: { id: string } | null;
    userErrors: InventorySetUserError[];
  } | null;
}>(
  `mutation HubInventorySetQuantities($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) {
    inventoryAdjustmentGroup { id }
    userErrors { code field message }
  }
}`,
  object({
    inventorySetQuantities: nullable(
      object({
        inventoryAdjustmentGroup: nullable(object({ id: gid('InventoryAdjustmentGroup') })),
        userErrors: list(object({ code: nullable(str), field: nullable(list(str)), message: str })),
      }),
    ),
  }),
);
