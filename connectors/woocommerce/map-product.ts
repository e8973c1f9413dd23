/**
 * What a product (or variation) delivery tells the hub: the store's own stock for its SKU, and
 * where that SKU lives, for publishing stock later. Pure.
 */
import { type CanonicalEvent, checkedInteger, MalformedPayloadError } from '../../src/sdk/index.ts';
import { productSkuKey, type SkuRef, skuKey } from './connection-state.ts';
import { gmtToIso, type WooProduct } from './woo-payloads.ts';

/**
 * The stock the store shows for this SKU, when the product manages its own stock. A variation
 * whose `manage_stock` is `"parent"` reports its parent's quantity, which is not its own.
 */
export function storeStockLevel(product: WooProduct): { sku: string; available: number } | null {
  const sku = product.sku?.trim();
  if (!sku || product.manage_stock !== true || typeof product.stock_quantity !== 'number') return null;
  return {
    sku,
    available: checkedInteger(Math.floor(product.stock_quantity), 'stock', 'product/stock_quantity'),
  };
}

/**
 * The store's stock as the hub compares it with what it published: the echo of our own batch
 * write matches and causes no work; an admin's edit does not match and the 3PL's count wins again.
 */
export function mapProductEvents(product: WooProduct): CanonicalEvent[] {
  const level = storeStockLevel(product);
  if (!level || !product.date_modified_gmt) return [];
  let occurredAt: string;
  try {
    occurredAt = gmtToIso(product.date_modified_gmt);
  } catch (error) {
    throw new MalformedPayloadError('product/date_modified_gmt is not a date', { cause: error });
  }
  return [{ type: 'storefront.stock_changed', levels: [level], occurredAt }];
}

export function skuRefOf(product: Pick<WooProduct, 'id' | 'type' | 'parent_id'>): SkuRef {
  const parentId = product.type === 'variation' && product.parent_id ? product.parent_id : null;
  return { id: product.id, parentId };
}

/**
 * The state patch that records where the product's SKU lives, and forgets the SKU it had before
 * (a renamed SKU must not keep pointing here, or its stock would be written to this product).
 */
export function skuIndexPatch(product: WooProduct, previousSku: string | null): Record<string, unknown> {
  const sku = product.sku?.trim() || null;
  const patch: Record<string, unknown> = { [productSkuKey(product.id)]: sku };
  if (previousSku && previousSku !== sku) patch[skuKey(previousSku)] = null;
  if (sku) patch[skuKey(sku)] = skuRefOf(product);
  return patch;
}

/** For a product that was trashed. */
export function forgetProductPatch(productId: number, previousSku: string | null): Record<string, unknown> {
  return { [productSkuKey(productId)]: null, ...(previousSku ? { [skuKey(previousSku)]: null } : {}) };
}
