import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database } from '../db/types.ts';
import type { OrderState } from '../domain/order-state.ts';
import { decodeCursor, olderThan, type PageRequest, toPage } from '../http/pagination.ts';
import { type MerchantScope, scopedMerchant } from '../http/scope.ts';
import { failedDeliveriesOf, hasFailedDelivery } from '../pipeline/order-deliveries.ts';
import { routingDecisionsOf } from './routing.ts';

export interface OrderFilter extends PageRequest {
  status?: OrderState | undefined;
  merchantId?: string | undefined;
  /** Only orders with lines waiting to be identified (true), or without (false). */
  held?: boolean | undefined;
  /** Only orders with a failed or dead delivery (true), or without one (false). */
  deliveryFailed?: boolean | undefined;
  /** Orders whose name contains this, or with a line of this SKU or a shipment of this tracking number. */
  search?: string | undefined;
}

/** The text of a LIKE pattern that matches `text` literally. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** An order's lines that wait to be identified (the whole order on hold, or a held part). */
const heldLines = (eb: ExpressionBuilder<Database, 'orders'>) =>
  eb
    .selectFrom('order_lines')
    .whereRef('order_lines.order_id', '=', 'orders.id')
    .where('order_lines.disposition', '=', 'held');

/** Orders, with what the admin API shows of them, as a scope may see them. */
export function orderQueries(db: Kysely<Database>) {
  /** The order row, or undefined when there is none the scope may see. */
  async function find(scope: MerchantScope, id: string) {
    const merchant = scopedMerchant(scope);
    let query = db.selectFrom('orders').selectAll().where('id', '=', id);
    if (merchant) query = query.where('merchant_id', '=', merchant);
    return query.executeTakeFirst();
  }

  /** The orders a scope may see that match a filter, before selecting, ordering and paging. */
  function filtered(scope: MerchantScope, filter: Omit<OrderFilter, 'limit' | 'cursor'>) {
    const merchant = scopedMerchant(scope);
    let query = db.selectFrom('orders');
    if (merchant) query = query.where('merchant_id', '=', merchant);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.merchantId) query = query.where('merchant_id', '=', filter.merchantId);
    const { held, deliveryFailed } = filter;
    if (held !== undefined) {
      query = query.where((eb) => {
        const waiting = eb.and([
          eb('orders.status', '!=', 'cancelled'),
          eb.exists(heldLines(eb).select('order_lines.id')),
        ]);
        return held ? waiting : eb.not(waiting);
      });
    }
    if (deliveryFailed !== undefined)
      query = query.where((eb) => (deliveryFailed ? hasFailedDelivery(eb) : eb.not(hasFailedDelivery(eb))));
    const search = filter.search?.trim();
    if (search) {
      query = query.where((eb) =>
        eb.or([
          eb('orders.source_order_name', 'ilike', `%${likeLiteral(search)}%`),
          eb.exists(
            eb
              .selectFrom('order_lines')
              .select('order_lines.id')
              .whereRef('order_lines.order_id', '=', 'orders.id')
              .where('order_lines.sku', '=', search),
          ),
          eb.exists(
            eb
              .selectFrom('shipments')
              .select('shipments.id')
              .whereRef('shipments.order_id', '=', 'orders.id')
              .where('shipments.tracking_number', '=', search),
          ),
        ]),
      );
    }
    return query;
  }

  return {
    find,

    /** Newest first, one page, each with its count of held lines. */
    async list(scope: MerchantScope, filter: OrderFilter) {
      const after = decodeCursor(filter.cursor);
      let query = filtered(scope, filter)
        .selectAll()
        .select((eb) =>
          heldLines(eb)
            .select((inner) => inner.fn.countAll().as('n'))
            .as('held_lines'),
        )
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit + 1);
      if (after) query = query.where(olderThan('orders', 'created_at', after));
      return toPage(await query.execute(), filter.limit);
    },

    /** How many orders match the filter (every page together), exact. */
    async count(scope: MerchantScope, filter: Omit<OrderFilter, 'limit' | 'cursor'>) {
      const row = await filtered(scope, filter)
        .select((eb) => eb.fn.countAll<string | number | bigint>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** The order with its lines, shipments (and their parcels), timeline and failed deliveries; undefined when unseen. */
    async detail(scope: MerchantScope, id: string) {
      const order = await find(scope, id);
      if (!order) return undefined;
      const [lines, shipments, shipmentLines, parcels, events, failedDeliveries, routingDecisions] =
        await Promise.all([
          db
            .selectFrom('order_lines')
            .selectAll()
            .where('order_id', '=', order.id)
            .orderBy('source_line_id')
            .execute(),
          db
            .selectFrom('shipments')
            .selectAll()
            .where('order_id', '=', order.id)
            .orderBy('created_at')
            .execute(),
          db
            .selectFrom('shipment_lines')
            .innerJoin('shipments', 'shipments.id', 'shipment_lines.shipment_id')
            .select(['shipment_lines.shipment_id', 'shipment_lines.sku', 'shipment_lines.quantity'])
            .where('shipments.order_id', '=', order.id)
            .execute(),
          db
            .selectFrom('shipment_parcels')
            .innerJoin('shipments', 'shipments.id', 'shipment_parcels.shipment_id')
            .selectAll('shipment_parcels')
            .where('shipment_parcels.merchant_id', '=', order.merchant_id)
            .where('shipments.order_id', '=', order.id)
            .orderBy('shipment_parcels.created_at')
            .orderBy('shipment_parcels.external_id')
            .execute(),
          db.selectFrom('order_events').selectAll().where('order_id', '=', order.id).orderBy('id').execute(),
          failedDeliveriesOf(db, order),
          routingDecisionsOf(db, order.id),
        ]);
      return { order, lines, shipments, shipmentLines, parcels, events, failedDeliveries, routingDecisions };
    },

    /** What deciding a retry needs: the order's state and its shipments' statuses. */
    async retryState(scope: MerchantScope, id: string) {
      const order = await find(scope, id);
      if (!order) return undefined;
      const shipments = await db
        .selectFrom('shipments')
        .select('status')
        .where('order_id', '=', order.id)
        .execute();
      return { order, shipmentStatuses: shipments.map((s) => s.status) };
    },
  };
}

export type OrderDetail = NonNullable<Awaited<ReturnType<ReturnType<typeof orderQueries>['detail']>>>;
