import { type Kysely, sql, type Transaction } from 'kysely';
import type { Connection, Database } from '../../db/types.ts';
import { KEY_LENGTH } from '../../domain/limits.ts';
import type { FulfillmentLocation } from '../../sdk/contracts.ts';

type Db = Kysely<Database> | Transaction<Database>;

const NAME_LENGTH = 255;
const PART_LENGTH = 64;

/** Trimmed and capped, or null when empty or not a string (a connector's answer is not trusted). */
function textOf(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed.slice(0, max);
}

function coordinate(value: unknown, limit: number): number | null {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= limit ? value : null;
}

/** A listed location as a row, or null when its key is unusable (empty or longer than a stock key). */
function rowOf(connection: Pick<Connection, 'id' | 'merchant_id'>, location: FulfillmentLocation) {
  const key = typeof location.id === 'string' ? location.id : '';
  if (key === '' || key.length > KEY_LENGTH) return null;
  const country = textOf(location.address?.countryCode, 2)?.toUpperCase() ?? null;
  const latitude = coordinate(location.coordinates?.latitude, 90);
  const longitude = coordinate(location.coordinates?.longitude, 180);
  const both = latitude !== null && longitude !== null;
  return {
    merchant_id: connection.merchant_id,
    connection_id: connection.id,
    location: key,
    name: textOf(location.name, NAME_LENGTH),
    country_code: country && /^[A-Z]{2}$/.test(country) ? country : null,
    region: textOf(location.address?.province, PART_LENGTH),
    postal_code: textOf(location.address?.postalCode, PART_LENGTH),
    // One coordinate without the other places nothing.
    latitude: both ? latitude : null,
    longitude: both ? longitude : null,
  };
}

/**
 * Stores what the 3PL lists (name, address, coordinates), replacing what was held for each listed
 * key. A location no longer listed is kept: stock and shipments may still name it. Returns how
 * many were stored.
 */
export async function storeLocations(
  db: Db,
  connection: Pick<Connection, 'id' | 'merchant_id'>,
  locations: readonly FulfillmentLocation[],
): Promise<number> {
  const rows = [
    ...new Map(
      locations.flatMap((location) => {
        const row = rowOf(connection, location);
        return row ? [[row.location, row] as const] : [];
      }),
    ).values(),
  ];
  if (rows.length === 0) return 0;
  await db
    .insertInto('locations')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['connection_id', 'location']).doUpdateSet({
        name: sql`excluded.name`,
        country_code: sql`excluded.country_code`,
        region: sql`excluded.region`,
        postal_code: sql`excluded.postal_code`,
        latitude: sql`excluded.latitude`,
        longitude: sql`excluded.longitude`,
        updated_at: sql`now()`,
      }),
    )
    .execute();
  return rows.length;
}

/**
 * Stock arrived for location keys: any the hub does not hold yet get a row with no address, so a
 * location the 3PL never listed still shows with its stock. Existing rows are left as they are.
 */
export async function ensureLocationsKnown(
  db: Db,
  connection: Pick<Connection, 'id' | 'merchant_id'>,
  keys: Iterable<string>,
): Promise<void> {
  // Sorted: two stock transactions inserting the same keys take their locks in one order (no deadlock).
  const unique = [...new Set(keys)].filter((key) => key !== '').sort();
  if (unique.length === 0) return;
  await db
    .insertInto('locations')
    .values(
      unique.map((location) => ({
        merchant_id: connection.merchant_id,
        connection_id: connection.id,
        location,
        name: null,
        country_code: null,
        region: null,
        postal_code: null,
        latitude: null,
        longitude: null,
      })),
    )
    .onConflict((oc) => oc.columns(['connection_id', 'location']).doNothing())
    .execute();
}
