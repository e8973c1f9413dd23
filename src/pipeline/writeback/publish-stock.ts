import { sql } from 'kysely';
import type { StorefrontConnector } from '../../sdk/contracts.ts';
import type { Hub } from '../hub.ts';
import type { JobHandler } from '../jobs.ts';

/** The quantities a storefront should show: what the merchant's 3PLs can ship, summed over locations. */
export function stockToPublish(
  levels: { sku: string; available: number }[],
  published: Map<string, number>,
): { sku: string; available: number }[] {
  const totals = new Map<string, number>();
  for (const level of levels) totals.set(level.sku, (totals.get(level.sku) ?? 0) + Math.max(0, level.available));
  const changed: { sku: string; available: number }[] = [];
  for (const [sku, available] of totals) if (published.get(sku) !== available) changed.push({ sku, available });
  return changed;
}

/**
 * Brings one storefront's stock in line with the 3PLs. Only SKUs whose quantity differs from what
 * we last told this storefront are sent, so bursts of stock events coalesce into one small call.
 */
export function publishStockHandler(hub: Hub): JobHandler<'publish-stock'> {
  return {
    async run({ connectionId }) {
      const storefront = await hub.connections.get(connectionId);
      if (!storefront || storefront.row.status !== 'active' || storefront.row.role !== 'storefront') return;
      const levels = await hub.db
        .selectFrom('stock_levels')
        .innerJoin('connections', 'connections.id', 'stock_levels.connection_id')
        .select(['stock_levels.sku', 'stock_levels.available'])
        .where('stock_levels.merchant_id', '=', storefront.row.merchant_id)
        .where('connections.status', '=', 'active')
        .execute();
      const publishedRows = await hub.db
        .selectFrom('stock_publications')
        .select(['sku', 'available'])
        .where('connection_id', '=', connectionId)
        .execute();
      const changed = stockToPublish(levels, new Map(publishedRows.map((r) => [r.sku, r.available])));
      if (changed.length === 0) return;
      const connector = storefront.connector as StorefrontConnector;
      await hub.connections.call(storefront, () => connector.publishStock(storefront.context, changed));
      await hub.db
        .insertInto('stock_publications')
        .values(changed.map((c) => ({ merchant_id: storefront.row.merchant_id, connection_id: connectionId, sku: c.sku, available: c.available })))
        .onConflict((oc) =>
          oc.columns(['connection_id', 'sku']).doUpdateSet({ available: sql`excluded.available`, published_at: sql`now()` }),
        )
        .execute();
    },
  };
}
