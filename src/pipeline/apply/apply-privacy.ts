import { sql } from 'kysely';
import type { CustomerRef } from '../../sdk/contracts.ts';
import type { LoadedConnection } from '../connection-store.ts';
import type { Hub } from '../hub.ts';

/** Orders of this storefront that belong to the customer: by the ids the platform names, or by email. */
async function customerOrderIds(
  hub: Hub,
  source: LoadedConnection,
  customer: CustomerRef,
): Promise<string[]> {
  if (customer.sourceOrderIds.length === 0 && !customer.email) return [];
  const rows = await hub.db
    .selectFrom('orders')
    .select('id')
    .where('storefront_connection_id', '=', source.row.id)
    .where((eb) =>
      eb.or([
        ...(customer.sourceOrderIds.length ? [eb('source_order_id', 'in', customer.sourceOrderIds)] : []),
        ...(customer.email ? [eb(eb.fn('lower', ['email']), '=', customer.email.toLowerCase())] : []),
      ]),
    )
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Erases a customer's personal data: the order's contact and address fields, and the raw bodies of
 * the deliveries that carried them. What the hub needs to keep working (ids, SKUs, quantities,
 * states) stays, so fulfilment and accounting still add up.
 */
export async function redactCustomer(
  hub: Hub,
  source: LoadedConnection,
  customer: CustomerRef,
  requestId: string | null,
) {
  const orderIds = await customerOrderIds(hub, source, customer);
  await hub.db.transaction().execute(async (trx) => {
    let bodies = 0;
    if (orderIds.length) {
      await trx
        .updateTable('orders')
        .set({ email: null, shipping_address: null, note: null, updated_at: new Date() })
        .where('id', 'in', orderIds)
        .execute();
      const orders = await trx
        .selectFrom('orders')
        .select('source_order_id')
        .where('id', 'in', orderIds)
        .execute();
      const result = await trx
        .updateTable('deliveries')
        .set({ body: null })
        .where('connection_id', '=', source.row.id)
        .where(
          'serial_key',
          'in',
          orders.map((o) => `order:${o.source_order_id}`),
        )
        .executeTakeFirst();
      bodies += Number(result.numUpdatedRows);
    }
    if (customer.email) {
      // Any other delivery that names the customer (a customer webhook, an order we never mapped).
      const result = await trx
        .updateTable('deliveries')
        .set({ body: null })
        .where('connection_id', '=', source.row.id)
        .where('body', 'is not', null)
        .where(sql<boolean>`position(convert_to(${customer.email}, 'UTF8') in body) > 0`)
        .executeTakeFirst();
      bodies += Number(result.numUpdatedRows);
    }
    await trx
      .insertInto('privacy_requests')
      .values({
        merchant_id: source.row.merchant_id,
        connection_id: source.row.id,
        kind: 'customer.redact',
        request_id: requestId,
        subject: JSON.stringify({
          sourceCustomerId: customer.sourceCustomerId,
          sourceOrderIds: customer.sourceOrderIds,
        }),
        result: JSON.stringify({ ordersRedacted: orderIds.length, deliveryBodiesErased: bodies }),
      })
      .execute();
  });
  hub.log.info({ connectionId: source.row.id, requestId, orders: orderIds.length }, 'customer data redacted');
}

/** Gathers what the hub holds about a customer, for the merchant to hand over. */
export async function reportCustomerData(
  hub: Hub,
  source: LoadedConnection,
  customer: CustomerRef,
  requestId: string | null,
) {
  const orderIds = await customerOrderIds(hub, source, customer);
  const orders = orderIds.length
    ? await hub.db
        .selectFrom('orders')
        .select([
          'id',
          'source_order_id',
          'source_order_name',
          'email',
          'shipping_address',
          'note',
          'status',
          'placed_at',
        ])
        .where('id', 'in', orderIds)
        .execute()
    : [];
  const lines = orderIds.length
    ? await hub.db
        .selectFrom('order_lines')
        .select(['order_id', 'sku', 'name', 'quantity'])
        .where('order_id', 'in', orderIds)
        .execute()
    : [];
  const shipments = orderIds.length
    ? await hub.db
        .selectFrom('shipments')
        .select(['order_id', 'status', 'carrier', 'tracking_number'])
        .where('order_id', 'in', orderIds)
        .execute()
    : [];
  const report = orders.map((o) => ({
    order: o.source_order_name,
    sourceOrderId: o.source_order_id,
    email: o.email,
    shippingAddress: o.shipping_address,
    note: o.note,
    status: o.status,
    placedAt: o.placed_at.toISOString(),
    lines: lines.filter((l) => l.order_id === o.id).map(({ order_id: _, ...l }) => l),
    shipments: shipments.filter((s) => s.order_id === o.id).map(({ order_id: _, ...s }) => s),
  }));
  await hub.db
    .insertInto('privacy_requests')
    .values({
      merchant_id: source.row.merchant_id,
      connection_id: source.row.id,
      kind: 'customer.data_request',
      request_id: requestId,
      subject: JSON.stringify({
        email: customer.email,
        sourceCustomerId: customer.sourceCustomerId,
        sourceOrderIds: customer.sourceOrderIds,
      }),
      result: JSON.stringify({ orders: report }),
    })
    .execute();
  hub.log.info(
    { connectionId: source.row.id, requestId, orders: report.length },
    'customer data request recorded for the merchant',
  );
}

/** Erases everything the hub holds for one storefront account (Shopify's shop/redact). */
export async function redactAccount(hub: Hub, source: LoadedConnection, requestId: string | null) {
  await hub.db.transaction().execute(async (trx) => {
    const orders = await trx
      .deleteFrom('orders')
      .where('storefront_connection_id', '=', source.row.id)
      .executeTakeFirst();
    const deliveries = await trx
      .updateTable('deliveries')
      .set({ body: null, headers: JSON.stringify({}) })
      .where('connection_id', '=', source.row.id)
      .executeTakeFirst();
    await trx.deleteFrom('stock_publications').where('connection_id', '=', source.row.id).execute();
    await trx
      .updateTable('connections')
      .set({
        status: 'uninstalled',
        credentials_encrypted: hub.connections.sealCredentials({}),
        settings: JSON.stringify({}),
        state: JSON.stringify({}),
        updated_at: new Date(),
      })
      .where('id', '=', source.row.id)
      .execute();
    await trx
      .insertInto('privacy_requests')
      .values({
        merchant_id: source.row.merchant_id,
        connection_id: source.row.id,
        kind: 'account.redact',
        request_id: requestId,
        subject: JSON.stringify({ externalAccount: source.row.external_account }),
        result: JSON.stringify({
          ordersDeleted: Number(orders.numDeletedRows),
          deliveriesErased: Number(deliveries.numUpdatedRows),
        }),
      })
      .execute();
  });
  hub.connections.forget(source.row.id);
  hub.log.info({ connectionId: source.row.id, requestId }, 'account data purged');
}
