/**
 * What each storefront line is to the 3PL: the SKU to send (its own, or the merchant's mapping),
 * nothing (not shippable, "do not ship", released without it), or unidentified (no SKU, or one the
 * 3PL does not know), with what the merchant's policy does about that. Pure: routing calls it
 * before it chooses where lines go, so any routing engine can start from the same answer.
 */

/** What to do with lines the 3PL cannot identify. `hold` (the whole order) is the default. */
export const UNIDENTIFIED_LINE_POLICIES = ['hold', 'ship_rest', 'skip'] as const;
export type UnidentifiedLinePolicy = (typeof UNIDENTIFIED_LINE_POLICIES)[number];

export type SkuMapAction = { kind: 'map'; fulfillmentSku: string } | { kind: 'do_not_ship' };

/**
 * The merchant's SKU map. Storefront SKUs are the merchant's own catalogue, shared by every
 * storefront; product and variant ids only mean something in the storefront that issued them,
 * so they are keyed by its connection.
 */
export interface SkuMap {
  bySku: ReadonlyMap<string, SkuMapAction>;
  byProduct: ReadonlyMap<string, SkuMapAction>;
  byVariant: ReadonlyMap<string, SkuMapAction>;
}

export type SkuMapKind = 'sku' | 'product' | 'variant';

export interface SkuMapEntry {
  kind: SkuMapKind;
  /** The storefront connection a product or variant id belongs to; null for a SKU. */
  storefrontConnectionId: string | null;
  key: string;
  action: SkuMapAction;
}

export const EMPTY_SKU_MAP: SkuMap = { bySku: new Map(), byProduct: new Map(), byVariant: new Map() };

export function storefrontKey(storefrontConnectionId: string, id: string): string {
  return `${storefrontConnectionId}\u0000${id}`;
}

export function buildSkuMap(entries: readonly SkuMapEntry[]): SkuMap {
  const bySku = new Map<string, SkuMapAction>();
  const byProduct = new Map<string, SkuMapAction>();
  const byVariant = new Map<string, SkuMapAction>();
  for (const entry of entries) {
    if (entry.kind === 'sku') bySku.set(entry.key, entry.action);
    else if (entry.storefrontConnectionId) {
      (entry.kind === 'product' ? byProduct : byVariant).set(
        storefrontKey(entry.storefrontConnectionId, entry.key),
        entry.action,
      );
    }
  }
  return { bySku, byProduct, byVariant };
}

export interface LineToResolve {
  lineId: string;
  sku: string | null;
  sourceProductId?: string | null;
  sourceVariantId?: string | null;
  quantity: number;
  requiresShipping: boolean;
  /** A person released the order without this line. */
  excluded?: boolean;
}

export type UnidentifiedWhy = 'missing_sku' | 'unknown_sku';
/** `hold_order`: the whole order waits; `hold_line`: the line waits as a pending part; `skip`: never sent. */
export type UnidentifiedTreatment = 'hold_order' | 'hold_line' | 'skip';

export type ResolvedLine =
  | {
      lineId: string;
      outcome: 'ship';
      /** The SKU the 3PL knows the line by. */
      fulfillmentSku: string;
      quantity: number;
      mapped: boolean;
    }
  | {
      lineId: string;
      outcome: 'not_shipped';
      why: 'not_shippable' | 'do_not_ship' | 'excluded';
    }
  | {
      lineId: string;
      outcome: 'unidentified';
      why: UnidentifiedWhy;
      /** The SKU that was looked for at the 3PL (after mapping); null when the line has none. */
      fulfillmentSku: string | null;
      treatment: UnidentifiedTreatment;
    };

export interface ResolveOptions {
  storefrontConnectionId: string;
  skuMap: SkuMap;
  policy: UnidentifiedLinePolicy;
  /**
   * SKUs the 3PL is known to hold. Given, a line whose SKU is not among them is unidentified
   * (`unknown_sku`); left out, only lines without any SKU are (a router with several locations
   * decides stock per location itself).
   */
  knownSkus?: ReadonlySet<string>;
  /**
   * The order already has lines at a 3PL (these are its held part): there is no whole order left to
   * hold, so `hold` keeps the lines waiting instead.
   */
  partiallyRouted?: boolean;
}

/**
 * The most specific mapping wins: a variant id, then the storefront SKU (which names one variant
 * too), then the product id (all of the product's variants).
 */
export function lookupSkuMap(
  line: Pick<LineToResolve, 'sku' | 'sourceProductId' | 'sourceVariantId'>,
  skuMap: SkuMap,
  storefrontConnectionId: string,
): SkuMapAction | undefined {
  return (
    (line.sourceVariantId
      ? skuMap.byVariant.get(storefrontKey(storefrontConnectionId, line.sourceVariantId))
      : undefined) ??
    (line.sku ? skuMap.bySku.get(line.sku) : undefined) ??
    (line.sourceProductId
      ? skuMap.byProduct.get(storefrontKey(storefrontConnectionId, line.sourceProductId))
      : undefined)
  );
}

export function resolveLines(lines: readonly LineToResolve[], options: ResolveOptions): ResolvedLine[] {
  const resolved = lines.map((line): ResolvedLine => {
    if (!line.requiresShipping || line.quantity <= 0) {
      return { lineId: line.lineId, outcome: 'not_shipped', why: 'not_shippable' };
    }
    if (line.excluded) return { lineId: line.lineId, outcome: 'not_shipped', why: 'excluded' };
    const action = lookupSkuMap(line, options.skuMap, options.storefrontConnectionId);
    if (action?.kind === 'do_not_ship') {
      return { lineId: line.lineId, outcome: 'not_shipped', why: 'do_not_ship' };
    }
    const fulfillmentSku = action?.kind === 'map' ? action.fulfillmentSku : line.sku;
    if (!fulfillmentSku) {
      return unidentified(line.lineId, 'missing_sku', null);
    }
    if (options.knownSkus && !options.knownSkus.has(fulfillmentSku)) {
      return unidentified(line.lineId, 'unknown_sku', fulfillmentSku);
    }
    return {
      lineId: line.lineId,
      outcome: 'ship',
      fulfillmentSku,
      quantity: line.quantity,
      mapped: action !== undefined,
    };
  });

  // Shipping "the rest" or skipping the unidentified lines of an order that has nothing else to ship
  // would send nothing and call it done: such an order waits, whole, for a person.
  const nothingElse = !options.partiallyRouted && !resolved.some((line) => line.outcome === 'ship');
  const treatment = treatmentFor(options, nothingElse);
  return resolved.map((line) => (line.outcome === 'unidentified' ? { ...line, treatment } : line));
}

function treatmentFor(options: ResolveOptions, nothingElse: boolean): UnidentifiedTreatment {
  if (options.partiallyRouted) return options.policy === 'skip' ? 'skip' : 'hold_line';
  if (nothingElse || options.policy === 'hold') return 'hold_order';
  return options.policy === 'ship_rest' ? 'hold_line' : 'skip';
}

function unidentified(lineId: string, why: UnidentifiedWhy, fulfillmentSku: string | null): ResolvedLine {
  // The treatment is decided once every line is known (see above).
  return { lineId, outcome: 'unidentified', why, fulfillmentSku, treatment: 'hold_order' };
}
