/**
 * Page sizes for a read that must fit in the shop's cost bucket. Shopify runs a query only when
 * its requested cost fits in the bucket, so a query costing more than the whole bucket (a
 * development store's, some plans') is THROTTLED on every attempt, for ever. Such a read is cut
 * into smaller pages instead. Pure.
 */
export type PageSizes = Record<string, number>;

export interface FittedPage {
  sizes: PageSizes;
  /** False when even pages of one item cost more than the budget (they are returned anyway). */
  fits: boolean;
}

/**
 * The page sizes, none above its usual value, that keep `costOf(sizes)` within `budget`. Sizes are
 * cut in the order `usual` lists them (outer connections first, so the inner pages stay whole,
 * e.g. a fulfillment order with all its lines), each to the largest value that fits. A `budget`
 * of null (the bucket is not known yet) keeps the usual sizes.
 */
export function fitPageSizes(
  usual: Readonly<PageSizes>,
  costOf: (sizes: PageSizes) => number,
  budget: number | null,
): FittedPage {
  const sizes: PageSizes = { ...usual };
  if (budget === null || costOf(sizes) <= budget) return { sizes, fits: true };
  for (const name of Object.keys(usual)) {
    const largest = largestFitting(sizes[name] ?? 1, (size) => costOf({ ...sizes, [name]: size }) <= budget);
    sizes[name] = largest ?? 1;
    if (largest !== null) return { sizes, fits: true };
  }
  return { sizes, fits: false };
}

/** The largest size in 1..max that fits (cost grows with size), or null when not even 1 does. */
function largestFitting(max: number, fits: (size: number) => boolean): number | null {
  if (!fits(1)) return null;
  let low = 1;
  let high = Math.max(1, max);
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}
