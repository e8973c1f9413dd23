/**
 * The 3PL's count becomes Shopify's `available` at the stock location (the fulfillment service's
 * own location, or the one the merchant named). `inventorySetQuantities` is compare-and-set: each
 * row carries the quantity we last saw (`changeFromQuantity`), and a row someone changed since
 * fails as stale; then the current quantities are read and the write is made again.
 *
 * Idempotency (mandatory since 2026-04): the key sent is derived from the hub's key for this
 * publication and the exact rows, so a retry of the same write (a lost answer) carries the same
 * key and Shopify applies it once, while a different write (after a stale read, or because stock
 * moved between attempts) carries a new one, as Shopify requires of a distinct request.
 *
 * Items Shopify has but that cannot take the count (not stocked at the location, not tracked, a
 * SKU shared by several items) and rows a write refuses one by one are returned as failures, and
 * the write goes on without them; SKUs Shopify does not sell at all are not failures.
 */
import { createHash } from 'node:crypto';
import {
  NeedsHumanError,
  type PublishStockResult,
  RetryableError,
  type StockItemFailure,
} from '../../src/sdk/index.ts';
import { readState, type ShopifyContext, stockLocationOf } from './connection.ts';
import type { ShopifyDeps } from './deps.ts';
import { inventoryItemsBySku, inventorySetQuantities } from './graphql/inventory.ts';

/** Shopify takes at most 250 rows per input array. */
const ROWS_PER_WRITE = 250;
/** SKU search terms per lookup (the query string grows with each). */
const SKUS_PER_LOOKUP = 50;
/** Stale answers in a row before giving the job back (someone keeps editing the same items). */
const MAX_STALE_ROUNDS = 3;
/** Where the change shows in the merchant's inventory history. */
export const REFERENCE_PREFIX = 'gid://fulfillment-hub/StockSync/';

type Inventory = Record<string, { itemId: string; available: number | null }>;
/** Why an item Shopify has cannot take the count, by SKU. */
type Unpublishable = Map<string, Omit<StockItemFailure, 'sku'>>;

export async function publishShopifyStock(
  deps: ShopifyDeps,
  context: ShopifyContext,
  levels: { sku: string; available: number }[],
  options: { idempotencyKey: string },
): Promise<PublishStockResult> {
  const locationId = stockLocationOf(context);
  if (!locationId) {
    context.log.info(
      { skus: levels.length },
      'no Shopify stock location for this connection: stock not published',
    );
    return { failed: [] };
  }
  const state = readState(context);
  // What we know is per location; a new stock location starts from nothing.
  const inventory: Inventory = state.inventoryLocationId === locationId ? { ...(state.inventory ?? {}) } : {};
  const unknown = levels.filter((level) => inventory[level.sku]?.available == null).map((level) => level.sku);
  const unpublishable: Unpublishable = new Map();
  await readQuantities(deps, context, unknown, locationId, inventory, unpublishable);
  const failed: StockItemFailure[] = [...unpublishable].map(([sku, why]) => ({ sku, ...why }));
  const missing = levels
    .filter((level) => !inventory[level.sku] && !unpublishable.has(level.sku))
    .map((level) => level.sku);
  if (missing.length > 0) {
    context.log.info(
      { skus: missing.slice(0, 50), count: missing.length, locationId },
      'SKUs not sold in this shop',
    );
  }
  const publishable = levels.filter((level) => inventory[level.sku]);
  for (let start = 0; start < publishable.length; start += ROWS_PER_WRITE) {
    failed.push(
      ...(await writeBatch(
        deps,
        context,
        publishable.slice(start, start + ROWS_PER_WRITE),
        locationId,
        inventory,
        options,
      )),
    );
    await context.saveState({ inventory, inventoryLocationId: locationId });
  }
  if (publishable.length === 0) await context.saveState({ inventory, inventoryLocationId: locationId });
  return { failed };
}

async function writeBatch(
  deps: ShopifyDeps,
  context: ShopifyContext,
  batch: { sku: string; available: number }[],
  locationId: string,
  inventory: Inventory,
  options: { idempotencyKey: string },
): Promise<StockItemFailure[]> {
  const failed: StockItemFailure[] = [];
  for (let round = 0; round < MAX_STALE_ROUNDS; round++) {
    // Only what differs from what Shopify has (as far as we know) is written.
    const changed = batch.filter(
      (level) =>
        inventory[level.sku] !== undefined &&
        inventory[level.sku]?.available !== level.available &&
        !failed.some((f) => f.sku === level.sku),
    );
    if (changed.length === 0) return failed;
    const quantities = changed.map((level) => ({
      inventoryItemId: inventory[level.sku]?.itemId,
      locationId,
      quantity: level.available,
      changeFromQuantity: inventory[level.sku]?.available ?? null,
    }));
    const data = await deps.admin(context, inventorySetQuantities, {
      input: {
        name: 'available',
        reason: 'correction',
        referenceDocumentUri: `${REFERENCE_PREFIX}${options.idempotencyKey}`,
        quantities,
      },
      idempotencyKey: writeKey(options.idempotencyKey, round, quantities),
    });
    const problems = data.inventorySetQuantities?.userErrors ?? [];
    if (problems.length === 0) {
      for (const level of changed) {
        const known = inventory[level.sku];
        if (known) known.available = level.available;
      }
      return failed;
    }
    const stale = problems.filter((problem) => problem.code === 'CHANGE_FROM_QUANTITY_STALE');
    const refused = problems.filter((problem) => problem.code !== 'CHANGE_FROM_QUANTITY_STALE');
    // A refusal that names its row fails that item; the write is made again without it.
    const refusedRows = refused.map((problem) => ({ problem, level: changed[rowIndexOf(problem.field)] }));
    if (refusedRows.some((row) => !row.level)) {
      throw new NeedsHumanError(
        'stock_rejected',
        `inventorySetQuantities refused: ${refused.map((problem) => problem.message).join('; ')}`,
        { locationId, codes: refused.map((problem) => problem.code) },
      );
    }
    for (const { problem, level } of refusedRows) {
      if (!level) continue;
      // The item we remembered is gone (a product deleted): the next attempt looks the SKU up again.
      const gone = problem.code === 'INVALID_INVENTORY_ITEM';
      if (gone) delete inventory[level.sku];
      failed.push({
        sku: level.sku,
        code: problem.code ?? 'refused',
        message: problem.message,
        retryable: gone,
      });
    }
    if (stale.length === 0) continue;
    // Someone changed a count since we last looked: look again, then decide again.
    context.log.info({ round, skus: changed.length }, 'stale changeFromQuantity: re-reading Shopify stock');
    const unpublishable: Unpublishable = new Map();
    await readQuantities(
      deps,
      context,
      changed.filter((level) => !failed.some((f) => f.sku === level.sku)).map((level) => level.sku),
      locationId,
      inventory,
      unpublishable,
    );
    for (const [sku, why] of unpublishable) failed.push({ sku, ...why });
  }
  throw new RetryableError('stock_contended', 'Shopify stock kept changing under the publication', {
    locationId,
    skus: batch.length,
  });
}

/** Reads items by SKU with their `available` at the location into `inventory`. */
async function readQuantities(
  deps: ShopifyDeps,
  context: ShopifyContext,
  skus: string[],
  locationId: string,
  inventory: Inventory,
  unpublishable: Unpublishable = new Map(),
): Promise<void> {
  for (let start = 0; start < skus.length; start += SKUS_PER_LOOKUP) {
    const chunk = skus.slice(start, start + SKUS_PER_LOOKUP);
    const data = await deps.admin(context, inventoryItemsBySku, { query: skuQuery(chunk), locationId });
    for (const sku of chunk) {
      // The search is loose (prefixes, case); only an exact, unambiguous match is taken.
      const matches = data.inventoryItems.nodes.filter((item) => item.sku === sku);
      const item = matches.length === 1 ? matches[0] : undefined;
      if (!item?.inventoryLevel || !item.tracked) {
        delete inventory[sku];
        const why = unpublishableReason(matches.length, item);
        if (why) unpublishable.set(sku, why);
        continue;
      }
      const available = item.inventoryLevel.quantities.find((quantity) => quantity.name === 'available');
      inventory[sku] = { itemId: item.id, available: available?.quantity ?? 0 };
    }
  }
}

/** Why an item Shopify has cannot take the count; null when Shopify has no item with the SKU. */
function unpublishableReason(
  matches: number,
  item: { tracked: boolean; inventoryLevel: unknown } | undefined,
): Omit<StockItemFailure, 'sku'> | null {
  if (matches > 1)
    return {
      code: 'ambiguous_sku',
      message: `${matches} Shopify inventory items share this SKU`,
      retryable: false,
    };
  if (!item) return null;
  if (!item.tracked)
    return { code: 'not_tracked', message: 'Shopify does not track this item’s inventory', retryable: false };
  return {
    code: 'not_stocked_at_location',
    message: 'the item is not stocked at the Shopify location the hub publishes to',
    retryable: false,
  };
}

/** The row a userError names (`["input", "quantities", "3", "quantity"]` → 3), or -1. */
function rowIndexOf(field: string[] | null): number {
  const at = field?.indexOf('quantities') ?? -1;
  const index = at >= 0 ? Number(field?.[at + 1]) : Number.NaN;
  return Number.isInteger(index) ? index : -1;
}

/** `sku:"A" OR sku:"B"`, quoted so SKUs with spaces or colons stay one term. */
export function skuQuery(skus: string[]): string {
  return skus.map((sku) => `sku:"${sku.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(' OR ');
}

/** A UUID-shaped key, the same for the same publication, round and rows, different otherwise. */
export function writeKey(publicationKey: string, round: number, rows: unknown): string {
  const hex = createHash('sha256')
    .update(`${publicationKey}\n${round}\n${JSON.stringify(rows)}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
