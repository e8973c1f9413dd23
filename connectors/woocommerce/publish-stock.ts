/**
 * Stock write-back: absolute `stock_quantity` (with `manage_stock: true`) through the batch
 * endpoints, products and each parent's variations separately, a chunk at a time. Absolute values
 * make a retried publication harmless, which is why we never use `inventory_delta`; the hub has
 * already subtracted what open orders not yet at a 3PL will take, and sends only changed SKUs.
 *
 * A batch answers 200 even when items fail: each item carries its own `error`, so every item is
 * checked, and the SKUs that failed are returned to the hub, which records the others as
 * published, shows these on the connection and sends them again (at once when the failure may
 * pass by itself: a product deleted or a SKU moved, which the next attempt locates again).
 */
import type { PublishStockResult, StockItemFailure } from '../../src/sdk/index.ts';
import { unexpectedResponse } from './api-errors.ts';
import { readProductSku, readSkuRef, type SkuRef, skuKey } from './connection-state.ts';
import { skuIndexPatch, skuRefOf } from './map-product.ts';
import type { WooClient } from './woo-client.ts';
import { wooBatchResponse, wooProductList } from './woo-payloads.ts';

export interface StockLevel {
  sku: string;
  available: number;
}

export interface StockBatch {
  /** `products/batch` or `products/<parent>/variations/batch`. */
  path: string;
  items: { sku: string; id: number; available: number }[];
}

/** Pure: groups located SKUs by endpoint and cuts them into chunks of at most `size`. */
export function planStockBatches(located: (StockLevel & { ref: SkuRef })[], size: number): StockBatch[] {
  const byPath = new Map<string, StockBatch['items']>();
  for (const { sku, available, ref } of located) {
    const path = ref.parentId === null ? 'products/batch' : `products/${ref.parentId}/variations/batch`;
    const items = byPath.get(path) ?? [];
    items.push({ sku, id: ref.id, available: Math.max(0, Math.floor(available)) });
    byPath.set(path, items);
  }
  const batches: StockBatch[] = [];
  for (const [path, items] of byPath) {
    for (let start = 0; start < items.length; start += size)
      batches.push({ path, items: items.slice(start, start + size) });
  }
  return batches;
}

export interface StockStore {
  state: Record<string, unknown>;
  saveState(patch: Record<string, unknown>): Promise<void>;
  log: {
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
  };
}

/** How many SKUs one `GET products?sku=` asks for: the list goes in the URL. */
const SKU_LOOKUP_CHUNK = 40;
// Codes WooCommerce answers for an item whose id no longer exists.
const GONE = /invalid_id|invalid_product_id|product_invalid_id|not_found/;

export async function publishStock(
  client: WooClient,
  store: StockStore,
  levels: StockLevel[],
  batchSize: number,
): Promise<PublishStockResult> {
  const located = await locateSkus(client, store, levels);
  const unknown = levels.filter((level) => !located.some((l) => l.sku === level.sku)).map((l) => l.sku);
  if (unknown.length > 0)
    store.log.info({ skus: unknown.slice(0, 50), count: unknown.length }, 'SKUs not sold in this store');

  const failed: StockItemFailure[] = [];
  const forget: Record<string, unknown> = {};
  for (const batch of planStockBatches(located, batchSize)) {
    const response = await client.request({
      method: 'POST',
      path: batch.path,
      body: {
        update: batch.items.map((item) => ({
          id: item.id,
          manage_stock: true,
          stock_quantity: item.available,
        })),
      },
      idempotent: true,
    });
    if (response.status !== 200)
      throw unexpectedResponse(`POST wc/v3/${batch.path}`, response, 'stock_rejected');
    const answered = wooBatchResponse.fromResponse(response.body, `POST wc/v3/${batch.path}`).update ?? [];
    batch.items.forEach((item, index) => {
      // Items come back in request order; the id confirms it where the store includes one.
      const result = answered.find((a) => a.id === item.id) ?? answered[index];
      if (!result) {
        failed.push({
          sku: item.sku,
          code: 'missing_from_response',
          message: 'the batch answer left this item out',
          retryable: true,
        });
        return;
      }
      if (result.error) {
        // A product deleted: the next attempt locates the SKU again. Anything else needs a person.
        const gone = GONE.test(result.error.code);
        failed.push({
          sku: item.sku,
          code: result.error.code,
          message: result.error.message ?? '',
          retryable: gone,
        });
        if (gone) forget[skuKey(item.sku)] = null;
        return;
      }
      if (result.sku && result.sku.toLowerCase() !== item.sku.toLowerCase()) {
        // Our map was stale (the SKU moved without a webhook reaching us): forget both.
        store.log.error(
          { sku: item.sku, productId: item.id, storeSku: result.sku },
          'stock written to a product whose SKU changed',
        );
        forget[skuKey(item.sku)] = null;
        forget[skuKey(result.sku)] = null;
        failed.push({
          sku: item.sku,
          code: 'sku_moved',
          message: `product ${item.id} now has SKU ${result.sku}`,
          retryable: true,
        });
        return;
      }
      // With the store's "Manage stock" option off, WooCommerce accepts the write and ignores it.
      const notApplied =
        result.stock_quantity === null ||
        (typeof result.stock_quantity === 'number' && result.stock_quantity !== item.available);
      if (notApplied) {
        failed.push({
          sku: item.sku,
          code: 'stock_not_managed',
          message:
            'the store accepted the quantity but did not apply it: enable WooCommerce → Settings → Products → Inventory → Manage stock',
          retryable: false,
        });
      }
    });
  }
  if (Object.keys(forget).length > 0) await store.saveState(forget);
  return { failed };
}

/**
 * Where each SKU lives: from the map kept in state (refreshed by product webhooks), and for SKUs
 * not in it, from `GET products?sku=A,B` (exact match, products and variations alike), remembered.
 */
async function locateSkus(
  client: WooClient,
  store: StockStore,
  levels: StockLevel[],
): Promise<(StockLevel & { ref: SkuRef })[]> {
  const located: (StockLevel & { ref: SkuRef })[] = [];
  const missing: StockLevel[] = [];
  for (const level of levels) {
    const ref = readSkuRef(store.state, level.sku);
    if (ref) located.push({ ...level, ref });
    else missing.push(level);
  }
  const patch: Record<string, unknown> = {};
  for (let start = 0; start < missing.length; start += SKU_LOOKUP_CHUNK) {
    const chunk = missing.slice(start, start + SKU_LOOKUP_CHUNK);
    const response = await client.request({
      method: 'GET',
      path: 'products',
      query: { sku: chunk.map((level) => level.sku).join(','), per_page: 100 },
    });
    if (response.status !== 200)
      throw unexpectedResponse('GET wc/v3/products?sku=', response, 'products_unreadable');
    const products = wooProductList.fromResponse(response.body, 'GET wc/v3/products?sku=');
    for (const level of chunk) {
      const product =
        products.find((p) => p.sku === level.sku) ??
        products.find((p) => p.sku?.toLowerCase() === level.sku.toLowerCase());
      if (!product) continue;
      Object.assign(
        patch,
        skuIndexPatch({ ...product, sku: level.sku }, readProductSku(store.state, product.id)),
      );
      located.push({ ...level, ref: skuRefOf(product) });
    }
  }
  if (Object.keys(patch).length > 0) await store.saveState(patch);
  return located;
}
