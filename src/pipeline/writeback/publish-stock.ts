import { sql } from 'kysely';
import type { PublishStockResult, StorefrontConnector } from '../../sdk/contracts.ts';
import { RetryableError } from '../../sdk/errors.ts';
import { describeFailure, recordStockPublication } from '../connection-health.ts';
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
 * Brings one storefront's stock in line with the 3PLs. It reads the latest state when it runs and
 * sends only SKUs whose quantity differs from what we last told this storefront; with at most one
 * publication waiting per storefront (the queue's policy), a burst of stock events becomes a few
 * small calls. The job id is the idempotency key: a retry of the same publication reuses it.
 *
 * SKUs the storefront refuses one by one are recorded on the connection (shown by the API) and not
 * as published, so the next publication sends them again; when another attempt may succeed by
 * itself, the job is retried now.
 */
export function publishStockHandler(hub: Pick<Hub, 'connections' | 'db'>): JobHandler<'publish-stock'> {
  return {
    async run({ connectionId }, { idempotencyKey, log }) {
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
      let result: PublishStockResult | undefined;
      try {
        result = await hub.connections.call(storefront, () =>
          connector.publishStock(storefront.context, changed, { idempotencyKey }),
        );
      } catch (error) {
        await recordStockPublication(hub.db, storefront.row, {
          skus: changed.length,
          failed: [],
          published: [],
          error: describeFailure(error),
        });
        throw error;
      }
      const wanted = new Map(changed.map((c) => [c.sku, c.available]));
      const failed = (result?.failed ?? []).flatMap((failure) => {
        const available = wanted.get(failure.sku);
        return available === undefined ? [] : [{ ...failure, available }];
      });
      const refused = new Set(failed.map((f) => f.sku));
      const published = changed.filter((c) => !refused.has(c.sku));
      await hub.db.transaction().execute(async (trx) => {
        if (published.length > 0) {
          await trx
            .insertInto('stock_publications')
            .values(
              published.map((c) => ({
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
        }
        await recordStockPublication(trx, storefront.row, {
          skus: changed.length,
          failed,
          published: published.map((c) => c.sku),
          error: null,
        });
      });
      if (failed.length === 0) return;
      log.warn(
        {
          connectionId,
          failed: failed.slice(0, 20).map((f) => `${f.sku} (${f.code})`),
          count: failed.length,
        },
        'the storefront refused some stock updates',
      );
      const retryable = failed.filter((f) => f.retryable);
      if (retryable.length > 0) {
        // What was set is recorded, so the retry sends only the SKUs that were refused.
        throw new RetryableError(
          'stock_items_failed',
          `${retryable.length} stock updates failed and are tried again`,
          { skus: retryable.slice(0, 50).map((f) => f.sku), count: retryable.length },
        );
      }
    },
  };
}
