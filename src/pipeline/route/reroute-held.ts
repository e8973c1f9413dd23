import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.ts';
import type { Hub } from '../hub.ts';
import { enqueue, type JobHandler } from '../jobs.ts';
import type { RerouteTrigger } from '../reroute-trigger.ts';

const PAGE = 200;

/**
 * One page of the merchant's orders that wait on lines this trigger may identify, in id order after
 * `after`. Orders held before lines carried a disposition are found by their hold reason.
 */
export async function heldOrdersPage(
  db: Kysely<Database>,
  merchantId: string,
  trigger: RerouteTrigger,
  after: string | null,
  limit = PAGE,
): Promise<string[]> {
  const legacyReasons = trigger.kind === 'stock' ? ['unknown_sku'] : ['unknown_sku', 'missing_sku'];
  let query = db
    .selectFrom('orders')
    .select('orders.id')
    .where('orders.merchant_id', '=', merchantId)
    .where('orders.cancelled', '=', false)
    .where('orders.status', 'not in', ['cancelled', 'shipped', 'delivered'])
    .where((eb) => {
      const heldLines = eb
        .selectFrom('order_lines')
        .select('order_lines.id')
        .whereRef('order_lines.order_id', '=', 'orders.id')
        .where('order_lines.disposition', '=', 'held');
      let matching = heldLines;
      if (trigger.kind === 'sku_map') {
        const { entry } = trigger;
        if (entry.kind === 'sku') matching = matching.where('order_lines.sku', '=', entry.key);
        else {
          matching = matching
            .where('orders.storefront_connection_id', '=', entry.storefrontConnectionId ?? '')
            .where(
              entry.kind === 'product' ? 'order_lines.source_product_id' : 'order_lines.source_variant_id',
              '=',
              entry.key,
            );
        }
      } else if (trigger.kind === 'stock') {
        if (trigger.skus.length === 0) return eb.val(false);
        matching = matching.where(
          (inner) => inner.ref('order_lines.disposition_detail', '->>').key('fulfillmentSku'),
          'in',
          trigger.skus,
        );
      }
      return eb.or([
        eb.exists(matching),
        eb.and([
          eb('orders.status', '=', 'on_hold'),
          eb('orders.status_reason', 'in', legacyReasons),
          eb.not(eb.exists(heldLines)),
        ]),
      ]);
    })
    .orderBy('orders.id')
    .limit(limit);
  if (after) query = query.where('orders.id', '>', after);
  return (await query.execute()).map((row) => row.id);
}

/**
 * Pages through every order the trigger may release (no cap: a merchant may have thousands held)
 * and queues each to be routed again; routing itself decides what the change releases. A crash
 * part-way runs the job again from the start, and routing an order twice changes nothing.
 * Returns how many orders were queued.
 */
export async function queueHeldOrders(
  hub: Pick<Hub, 'db' | 'boss'>,
  merchantId: string,
  trigger: RerouteTrigger,
  pageSize = PAGE,
): Promise<number> {
  let after: string | null = null;
  let queued = 0;
  for (;;) {
    const page = await heldOrdersPage(hub.db, merchantId, trigger, after, pageSize);
    for (const orderId of page) {
      await enqueue(hub.boss, 'advance-order', { orderId }, { serialKey: orderId });
    }
    queued += page.length;
    if (page.length < pageSize) return queued;
    after = page.at(-1) ?? null;
  }
}

export function rerouteHeldHandler(hub: Pick<Hub, 'db' | 'boss'>): JobHandler<'reroute-held'> {
  return {
    async run({ merchantId, trigger }, { log }) {
      const queued = await queueHeldOrders(hub, merchantId, trigger);
      log.debug({ merchantId, trigger: trigger.kind, queued }, 'held orders queued for routing');
    },
  };
}
