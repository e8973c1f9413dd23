import { sql } from 'kysely';
import type { StorefrontConnector } from '../../sdk/contracts.ts';
import type { Hub } from '../hub.ts';
import type { JobHandler } from '../jobs.ts';

/**
 * The quantities a storefront should show: what the merchant's 3PLs can ship, summed over
 * locations, less what the storefront already sold that no 3PL has allocated yet (orders not yet
 * submitted), never below zero. Only SKUs that differ from what we last published are returned.
 */
export function stockToPublish(
  levels: { sku: string; available: number }[],
  unallocated: { sku: string; quantity: number }[],
  published: Map<string, number>,
): { sku: string; available: number }[] {
  const totals = new Map<string, number>();
  for (const level of levels)
    totals.set(level.sku, (totals.get(level.sku) ?? 0) + Math.max(0, level.available));
  for (const open of unallocated) {
    if (totals.has(open.sku)) totals.set(open.sku, (totals.get(open.sku) ?? 0) - open.quantity);
  }
  const changed: { sku: string; available: number }[] = [];
  for (const [sku, total] of totals) {
    const available = Math.max(0, total);
    if (published.get(sku) !== available) changed.push({ sku, available });
  }
  return changed;
}

/**
 * Brings one storefront's stock in line with the 3PLs. Only SKUs whose quantity differs from what
 * we last told this storefront are sent, so bursts of stock events coalesce into one small call.
 * The job id is the idempotency key: a retry of the same publication reuses it.
 */
export function publishStockHandler(hub: Hub): JobHandler<'publish-stock'> {
  return {
    async run({ connectionId }, { idempotencyKey }) {
      const storefront = await hub.connections.get(connectionId);
      if (storefront?.row.status !== 'active' || storefront.row.role !== 'storefront') return;
      const merchantId = storefront.row.merchant_id;
      const [levels, unallocated, publishedRows] = await Promise.all([
        hub.db
          .selectFrom('stock_levels')
          .innerJoin('connections', 'connections.id', 'stock_levels.connection_id')
          .select(['stock_levels.sku', 'stock_levels.available'])
          .where('stock_levels.merchant_id', '=', merchantId)
          .where('connections.status', '=', 'active')
          .execute(),
        hub.db
          .selectFrom('order_lines')
          .innerJoin('orders', 'orders.id', 'order_lines.order_id')
          .select(['order_lines.sku', (eb) => eb.fn.sum<number>('order_lines.quantity').as('quantity')])
          .where('orders.merchant_id', '=', merchantId)
          .where('orders.status', 'in', ['received', 'ready', 'on_hold'])
          .where('orders.cancelled', '=', false)
          .where('order_lines.requires_shipping', '=', true)
          .where('order_lines.sku', 'is not', null)
          .groupBy('order_lines.sku')
          .execute(),
        hub.db
          .selectFrom('stock_publications')
          .select(['sku', 'available'])
          .where('connection_id', '=', connectionId)
          .execute(),
      ]);
      const changed = stockToPublish(
        levels,
        unallocated.map((u) => ({ sku: u.sku as string, quantity: Number(u.quantity) })),
        new Map(publishedRows.map((r) => [r.sku, r.available])),
      );
      if (changed.length === 0) return;
      const connector = storefront.connector as StorefrontConnector;
      await hub.connections.call(storefront, () =>
        connector.publishStock(storefront.context, changed, { idempotencyKey }),
      );
      await hub.db
        .insertInto('stock_publications')
        .values(
          changed.map((c) => ({
            merchant_id: merchantId,
            connection_id: connectionId,
            sku: c.sku,
            available: c.available,
          })),
        )
        .onConflict((oc) =>
          oc
            .columns(['connection_id', 'sku'])
            .doUpdateSet({ available: sql`excluded.available`, published_at: sql`now()` }),
        )
        .execute();
    },
  };
}
