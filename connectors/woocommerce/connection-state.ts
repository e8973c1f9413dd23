/**
 * What the connector remembers about a store, in `context.state`. The hub merges patches at the top
 * level (`state || patch`), so every fact that different jobs write concurrently gets its own key:
 * one key per SKU, one per product, never one big map rewritten by everyone.
 *
 * State is JSON we wrote ourselves, but it outlives code versions, so every reader checks the shape
 * and treats anything unexpected as absent.
 */
export type AuthMode = 'basic' | 'query-string';

export type TrackingCapability = 'shipment-tracking' | 'fulfillments' | 'order-meta';

/** Where a SKU lives in the store: a product, or a variation of `parentId`. */
export interface SkuRef {
  id: number;
  parentId: number | null;
}

type State = Record<string, unknown>;

export const skuKey = (sku: string) => `sku:${sku}`;
export const productSkuKey = (productId: number) => `skuOf:${productId}`;

export function readSkuRef(state: State, sku: string): SkuRef | null {
  const value = state[skuKey(sku)];
  if (typeof value !== 'object' || value === null) return null;
  const { id, parentId } = value as { id?: unknown; parentId?: unknown };
  if (!isId(id)) return null;
  return { id, parentId: isId(parentId) ? parentId : null };
}

/** The SKU a product had when we last saw it, to forget that SKU when it changes. */
export function readProductSku(state: State, productId: number): string | null {
  const value = state[productSkuKey(productId)];
  return typeof value === 'string' && value !== '' ? value : null;
}

export function readAuthMode(state: State): AuthMode {
  return state.authMode === 'query-string' ? 'query-string' : 'basic';
}

export function readTracking(state: State): { capability: TrackingCapability; detectedAt: string } | null {
  const value = state.tracking;
  if (typeof value !== 'object' || value === null) return null;
  const { capability, detectedAt } = value as { capability?: unknown; detectedAt?: unknown };
  if (capability !== 'shipment-tracking' && capability !== 'fulfillments' && capability !== 'order-meta')
    return null;
  if (typeof detectedAt !== 'string') return null;
  return { capability, detectedAt };
}

/** Orders we saw processing and have not yet seen finished: checked for permanent deletion. */
export function readOpenOrders(state: State): string[] {
  const value = state.openOrders;
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
}

export function readTimestamp(state: State, key: 'connectedAt' | 'deletedCheckAt'): string | null {
  const value = state[key];
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : null;
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}
