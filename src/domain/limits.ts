/**
 * What the hub can store, column by column (migrations/0001_initial.ts): a number outside these
 * is refused where it is read, never left for the database to refuse in a job that then retries.
 * The canonical schemas (`order.ts`, `src/sdk/canonical-events.ts`) take their ranges from here.
 */
import Type from 'typebox';

export const LIMITS = {
  /** `order_lines.quantity`, `shipment_lines.quantity`: integer, never negative. */
  quantity: { min: 0, max: 2_147_483_647 },
  /** `stock_levels.available`, `stock_publications.available`: integer; oversold stock is negative. */
  stock: { min: -2_147_483_648, max: 2_147_483_647 },
  /**
   * `total_minor`, `unit_price_minor`: bigint, but amounts are JavaScript numbers in the hub, exact
   * only up to 2^53 - 1 (90 trillion dollars in cents: no real order is near it).
   */
  minor: { min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
} as const;

export type Limit = keyof typeof LIMITS;

/**
 * Values that end up in a btree index (unique keys, the email lookup): PostgreSQL refuses an index
 * row over 2,704 bytes, so these are bounded well below it even at 4 bytes a character.
 */
export const KEY_LENGTH = 255;

/** A string that is a key in the hub's tables: non-empty and indexable. */
export const KeySchema = Type.String({ minLength: 1, maxLength: KEY_LENGTH });

/** An integer within one of the LIMITS, as JSON Schema and as a number. */
export function integerIn(limit: Limit) {
  return Type.Integer({ minimum: LIMITS[limit].min, maximum: LIMITS[limit].max });
}
