import { sql, type UpdateQueryBuilder, type UpdateResult } from 'kysely';
import type { BodyErasedReason, Database } from '../../db/types.ts';
import type { CustomerRef } from '../../sdk/contracts.ts';
import { orderSerialKey, shipmentSerialKey } from '../../sdk/event-keys.ts';
import type { LoadedConnection } from '../connection-store.ts';
import type { Hub } from '../hub.ts';
import { isUuid } from '../ingest/ingest.ts';

type DeliveryUpdate = UpdateQueryBuilder<Database, 'deliveries', 'deliveries', UpdateResult>;

/** Orders of this storefront that belong to the customer: by the ids the platform names, or by email. */
async function customerOrderIds(
  hub: Pick<Hub, 'connections' | 'db' | 'log'>,
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

/** A body dropped, and why: the delivery's record stays and the API says what happened to it. */
function erased(reason: BodyErasedReason) {
  return { body: null, body_erased_at: new Date(), body_erased_reason: reason };
}

/**
 * Erases a customer's personal data: the order's contact and address fields, and the raw bodies of
 * every delivery that carried them, whichever side sent it: the storefront's webhooks and polls of
 * the orders, the 3PL's events and polls of their shipments, any delivery the orders' timelines
 * name as a source, and any other delivery of the merchant's that names the customer's email. What
 * the hub needs to keep working (ids, SKUs, quantities, states) stays, so fulfilment and
 * accounting still add up.
 */
export async function redactCustomer(
  hub: Pick<Hub, 'connections' | 'db' | 'log'>,
  source: LoadedConnection,
  customer: CustomerRef,
  requestId: string | null,
) {
  const orderIds = await customerOrderIds(hub, source, customer);
  const merchantId = source.row.merchant_id;
  await hub.db.transaction().execute(async (trx) => {
    let bodies = 0;
    const erase = async (scope: (query: DeliveryUpdate) => DeliveryUpdate) => {
      const result = await scope(
        trx
          .updateTable('deliveries')
          .set(erased('customer_redact'))
          .where('merchant_id', '=', merchantId)
          .where('body', 'is not', null),
      ).executeTakeFirst();
      bodies += Number(result.numUpdatedRows);
    };
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
      // The storefront's webhooks and polls of the orders share their serial key.
      await erase((query) =>
        query.where('connection_id', '=', source.row.id).where(
          'serial_key',
          'in',
          orders.map((o) => orderSerialKey(o.source_order_id)),
        ),
      );
      // The 3PL's events and polls of the orders' shipments (they carry the address we sent).
      const shipments = await trx
        .selectFrom('shipments')
        .select('id')
        .where('order_id', 'in', orderIds)
        .execute();
      if (shipments.length) {
        await erase((query) =>
          query.where(
            'serial_key',
            'in',
            shipments.map((shipment) => shipmentSerialKey(shipment.id)),
          ),
        );
      }
      // Whatever else the timelines name as where a version of the order came from.
      const sources = await trx
        .selectFrom('order_events')
        .select(sql<string>`detail->>'via'`.as('via'))
        .where('order_id', 'in', orderIds)
        .where(sql<boolean>`detail->>'via' like 'delivery:%'`)
        .execute();
      const deliveryIds = [...new Set(sources.map((row) => row.via.slice('delivery:'.length)))].filter(
        isUuid,
      );
      if (deliveryIds.length) await erase((query) => query.where('id', 'in', deliveryIds));
    }
    if (customer.email) {
      // Any other delivery that names the customer (a customer webhook, an order we never mapped).
      const email = customer.email;
      await erase((query) => query.where(sql<boolean>`position(convert_to(${email}, 'UTF8') in body) > 0`));
    }
    await trx
      .insertInto('privacy_requests')
      .values({
        merchant_id: merchantId,
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
  hub: Pick<Hub, 'connections' | 'db' | 'log'>,
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
        .select(['id', 'order_id', 'status', 'carrier', 'tracking_number'])
        .where('order_id', 'in', orderIds)
        .execute()
    : [];
  // The packages a shipment left in carry their own tracking numbers.
  const parcels = shipments.length
    ? await hub.db
        .selectFrom('shipment_parcels')
        .select(['shipment_id', 'status', 'carrier', 'tracking_number'])
        .where('merchant_id', '=', source.row.merchant_id)
        .where(
          'shipment_id',
          'in',
          shipments.map((s) => s.id),
        )
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
    shipments: shipments
      .filter((s) => s.order_id === o.id)
      .map(({ id, order_id: _, ...s }) => ({
        ...s,
        parcels: parcels.filter((p) => p.shipment_id === id).map(({ shipment_id: _, ...p }) => p),
      })),
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
export async function redactAccount(
  hub: Pick<Hub, 'connections' | 'db' | 'log'>,
  source: LoadedConnection,
  requestId: string | null,
) {
  await hub.db.transaction().execute(async (trx) => {
    // The 3PL's events of the store's shipments carry its customers' addresses too.
    const shipments = await trx
      .selectFrom('shipments')
      .innerJoin('orders', 'orders.id', 'shipments.order_id')
      .select('shipments.id')
      .where('orders.storefront_connection_id', '=', source.row.id)
      .execute();
    const orders = await trx
      .deleteFrom('orders')
      .where('storefront_connection_id', '=', source.row.id)
      .executeTakeFirst();
    const deliveries = await trx
      .updateTable('deliveries')
      .set({ headers: JSON.stringify({}) })
      .where('connection_id', '=', source.row.id)
      .executeTakeFirst();
    await trx
      .updateTable('deliveries')
      .set(erased('account_redact'))
      .where('merchant_id', '=', source.row.merchant_id)
      .where('body', 'is not', null)
      .where((eb) =>
        eb.or([
          eb('connection_id', '=', source.row.id),
          ...(shipments.length
            ? [
                eb(
                  'serial_key',
                  'in',
                  shipments.map((shipment) => shipmentSerialKey(shipment.id)),
                ),
              ]
            : []),
        ]),
      )
      .execute();
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
