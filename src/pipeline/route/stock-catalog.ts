import type { FulfillmentConnector } from '../../sdk/contracts.ts';
import { storeStockLevels } from '../apply/apply-stock.ts';
import type { LoadedConnection } from '../connection-store.ts';
import type { Hub } from '../hub.ts';

/**
 * Routing needs to know which SKUs a 3PL holds. Until its first stock event arrives, ask it once,
 * so the first orders after connecting are not held as unknown SKUs.
 */
export async function ensureStockKnown(
  hub: Pick<Hub, 'boss' | 'connections' | 'db'>,
  target: LoadedConnection,
): Promise<void> {
  const any = await hub.db
    .selectFrom('stock_levels')
    .select('sku')
    .where('connection_id', '=', target.row.id)
    .limit(1)
    .executeTakeFirst();
  if (any) return;
  const connector = target.connector as FulfillmentConnector;
  const levels = await hub.connections.call(target, () => connector.fetchStock(target.context));
  await storeStockLevels(hub, target.row, levels, new Date().toISOString());
}
