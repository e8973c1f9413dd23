import { sql } from 'kysely';
import type { Connection } from '../../db/types.ts';
import type { StockLevel } from '../../domain/order.ts';
import type { Hub } from '../hub.ts';
import { enqueue } from '../jobs.ts';
import { enqueueReroute } from '../reroute-trigger.ts';
import { ensureLocationsKnown } from './store-locations.ts';

/**
 * Stores what a 3PL says it can ship, keeping only levels newer than the ones held, then asks every
 * storefront of the merchant to be brought in line (coalesced: one queued publish per storefront).
 * SKUs the hub had never seen at this 3PL may release orders held for them: those are queued to be
 * routed again in the same transaction. Returns those SKUs.
 */
export async function storeStockLevels(
  hub: Pick<Hub, 'db' | 'boss'>,
  connection: Pick<Connection, 'id' | 'merchant_id'>,
  levels: StockLevel[],
  asOf: string,
): Promise<string[]> {
  // One row per location and SKU (the last word wins): PostgreSQL refuses to upsert a row twice in one statement.
  levels = [...new Map(levels.map((l) => [`${l.location}\u0000${l.sku}`, l])).values()];
  if (levels.length === 0) return [];
  const newSkus: string[] = [];
  await hub.db.transaction().execute(async (trx) => {
    const known = await trx
      .selectFrom('stock_levels')
      .select('sku')
      .where('connection_id', '=', connection.id)
      .where(
        'sku',
        'in',
        levels.map((l) => l.sku),
      )
      .execute();
    const knownSkus = new Set(known.map((k) => k.sku));
    for (const sku of new Set(levels.map((l) => l.sku))) if (!knownSkus.has(sku)) newSkus.push(sku);
    await trx
      .insertInto('stock_levels')
      .values(
        levels.map((level) => ({
          merchant_id: connection.merchant_id,
          connection_id: connection.id,
          location: level.location,
          sku: level.sku,
          available: level.available,
          as_of: asOf,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['connection_id', 'location', 'sku'])
          .doUpdateSet({
            available: sql`excluded.available`,
            as_of: sql`excluded.as_of`,
            updated_at: sql`now()`,
          })
          // Stock events arrive out of order too; an older count never overwrites a newer one.
          .where(sql<boolean>`excluded.as_of >= stock_levels.as_of`),
      )
      .execute();
    await ensureLocationsKnown(
      trx,
      connection,
      levels.map((l) => l.location),
    );
    const storefronts = await trx
      .selectFrom('connections')
      .select('id')
      .where('merchant_id', '=', connection.merchant_id)
      .where('role', '=', 'storefront')
      .where('status', '=', 'active')
      .execute();
    // Orders waiting for these SKUs at this 3PL are routed again, however many there are.
    if (newSkus.length > 0) {
      await enqueueReroute(hub.boss, trx, connection.merchant_id, { kind: 'stock', skus: newSkus });
    }
    for (const storefront of storefronts) {
      await enqueue(
        hub.boss,
        'publish-stock',
        { connectionId: storefront.id },
        { serialKey: storefront.id, trx },
      );
    }
  });
  return newSkus;
}
