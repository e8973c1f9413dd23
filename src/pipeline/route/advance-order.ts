import { sql, type Transaction } from 'kysely';
import type { Database } from '../../db/types.ts';
import type { Address } from '../../domain/order.ts';
import { explainSubmitHold } from '../../routing/explain-hold.ts';
import type { FulfillmentConnector, StorefrontConnector } from '../../sdk/contracts.ts';
import { NeedsHumanError, RetryableError } from '../../sdk/errors.ts';
import type { LoadedConnection } from '../connection-store.ts';
import type { Hub } from '../hub.ts';
import { recordOrderEvent } from '../timeline.ts';
import { moveOrderTo, refreshOrderFromShipments } from './order-status.ts';
import { mayRoute, routeOrder } from './route-order.ts';

const TERMINAL_FOR_CANCEL = new Set(['cancelled', 'partially_shipped', 'shipped', 'delivered']);

/**
 * Takes an order as far as it can go without anyone else's answer: cancel it when the storefront
 * cancelled it, route it when it is ready, submit its pending shipments. Every step is idempotent
 * and resumes where a crash left it: shipments are rows before they are sent, and the 3PL knows
 * each by our shipment id.
 */
export async function advanceOrder(hub: Hub, orderId: string): Promise<void> {
  const order = await hub.db.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
  if (!order) return;

  if (order.cancelled) {
    if (!TERMINAL_FOR_CANCEL.has(order.status)) await cancelOrder(hub, orderId);
    else if (order.cancellation_requested) {
      // Already cancelled (a retry after the answer failed, or a repeated request) is a yes.
      if (order.status === 'cancelled') await answerCancellation(hub, orderId, 'cancelled', null);
      else await answerCancellation(hub, orderId, 'refused', `the order is ${order.status}`);
    }
    return;
  }
  // Routes the order when it is ready, or its held part when that can go now.
  if (mayRoute(order)) await routeOrder(hub, orderId);
  await submitPendingShipments(hub, orderId);
  await answerRoutingOnce(hub, orderId);
}

async function storefrontOf(hub: Hub, orderId: string) {
  const order = await hub.db
    .selectFrom('orders')
    .selectAll()
    .where('id', '=', orderId)
    .executeTakeFirstOrThrow();
  const storefront = await hub.connections.get(order.storefront_connection_id);
  if (storefront?.row.status !== 'active') return null;
  return {
    order,
    storefront,
    connector: storefront.connector as StorefrontConnector,
    ref: {
      sourceOrderId: order.source_order_id,
      sourceOrderName: order.source_order_name,
      sourceData: order.source_data,
    },
  };
}

/**
 * Tells the storefront, once, whether the hub takes the order (Shopify's fulfillment requests):
 * accepted when every shipment is at a 3PL, rejected with the reason when the order is held.
 * The answer is recorded after the call succeeds, so a crash in between asks again (connectors
 * treat a repeated answer as done).
 */
async function answerRoutingOnce(hub: Hub, orderId: string): Promise<void> {
  const found = await storefrontOf(hub, orderId);
  if (!found?.connector.answerRouting || found.order.routing_answer) return;
  const { order } = found;
  let outcome: 'accepted' | 'rejected' | null = null;
  if (order.status === 'on_hold') outcome = 'rejected';
  else if (['submitted', 'accepted', 'partially_shipped', 'shipped', 'delivered'].includes(order.status)) {
    const pending = await hub.db
      .selectFrom('shipments')
      .select('id')
      .where('order_id', '=', orderId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (!pending) outcome = 'accepted';
  }
  if (!outcome) return;
  const reason = outcome === 'rejected' ? (order.status_reason ?? 'cannot be routed') : null;
  await hub.connections.call(found.storefront, () =>
    found.connector.answerRouting!(found.storefront.context, { order: found.ref, outcome: outcome!, reason }),
  );
  await hub.db.transaction().execute(async (trx) => {
    await trx.updateTable('orders').set({ routing_answer: outcome }).where('id', '=', orderId).execute();
    await recordOrderEvent(trx, {
      merchantId: order.merchant_id,
      orderId,
      type: `routing.${outcome}`,
      detail: reason ? { reason } : {},
    });
  });
}

async function answerCancellation(
  hub: Hub,
  orderId: string,
  outcome: 'cancelled' | 'refused',
  reason: string | null,
) {
  const found = await storefrontOf(hub, orderId);
  if (found?.connector.answerCancellation) {
    await hub.connections.call(found.storefront, () =>
      found.connector.answerCancellation!(found.storefront.context, { order: found.ref, outcome, reason }),
    );
  }
  await hub.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('orders')
      .set({ cancellation_requested: false })
      .where('id', '=', orderId)
      .execute();
    if (found) {
      await recordOrderEvent(trx, {
        merchantId: found.order.merchant_id,
        orderId,
        type: `cancellation.${outcome}`,
        detail: reason ? { reason } : {},
      });
    }
  });
}

async function submitPendingShipments(hub: Hub, orderId: string): Promise<void> {
  const pending = await hub.db
    .selectFrom('shipments')
    .innerJoin('orders', 'orders.id', 'shipments.order_id')
    .select([
      'shipments.id',
      'shipments.fulfillment_connection_id',
      'orders.source_order_name',
      'orders.email',
      'orders.shipping_address',
      'orders.shipping_method',
      'orders.cancelled',
    ])
    .where('shipments.order_id', '=', orderId)
    .where('shipments.status', '=', 'pending')
    .execute();
  for (const shipment of pending) {
    if (shipment.cancelled) return;
    const target = await hub.connections.get(shipment.fulfillment_connection_id);
    if (target?.row.status !== 'active') {
      await hold(
        hub,
        orderId,
        shipment.id,
        new NeedsHumanError('fulfillment_connection_inactive', 'the 3PL connection is not active'),
      );
      continue;
    }
    const lines = await hub.db
      .selectFrom('shipment_lines')
      .innerJoin('order_lines', 'order_lines.id', 'shipment_lines.order_line_id')
      .select(['shipment_lines.sku', 'shipment_lines.quantity', 'order_lines.name'])
      .where('shipment_lines.shipment_id', '=', shipment.id)
      .execute();
    const shipTo = shipment.shipping_address as Address | null;
    if (!shipTo) {
      await hold(
        hub,
        orderId,
        shipment.id,
        new NeedsHumanError('missing_address', 'the order has no shipping address'),
      );
      continue;
    }
    const connector = target.connector as FulfillmentConnector;
    if (!(await claimShipment(hub, shipment.id))) throw shipmentBusy(shipment.id);
    let submitted: Awaited<ReturnType<FulfillmentConnector['submitShipment']>>;
    try {
      submitted = await hub.connections.call(target, () =>
        connector.submitShipment(target.context, {
          reference: shipment.id,
          orderName: shipment.source_order_name,
          email: shipment.email,
          shipTo,
          shippingMethod: shipment.shipping_method,
          lines: lines.map((l) => ({ sku: l.sku, name: l.name, quantity: l.quantity })),
        }),
      );
    } catch (error) {
      if (error instanceof NeedsHumanError) {
        await hold(hub, orderId, shipment.id, error);
        continue;
      }
      await releaseShipment(hub, shipment.id);
      throw error;
    }
    await recordSubmission(hub, target, orderId, shipment.id, submitted);
  }
}

/**
 * Claims a pending shipment for this job's call to the 3PL. Another job (the same order's next
 * delivery, a retry from ops, a cancellation, another hub process) finds it claimed and comes back
 * later; a claim left by a dead process expires after twice the job heartbeat.
 */
async function claimShipment(hub: Hub, shipmentId: string): Promise<boolean> {
  const ttlSeconds = hub.config.jobs.heartbeatSeconds * 2;
  const claimed = await hub.db
    .updateTable('shipments')
    .set({ claimed_until: sql<Date>`now() + make_interval(secs => ${ttlSeconds})` })
    .where('id', '=', shipmentId)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', sql<Date>`now()`)]))
    .returning('id')
    .executeTakeFirst();
  return claimed !== undefined;
}

async function releaseShipment(hub: Hub, shipmentId: string): Promise<void> {
  await hub.db.updateTable('shipments').set({ claimed_until: null }).where('id', '=', shipmentId).execute();
}

function shipmentBusy(shipmentId: string): RetryableError {
  return new RetryableError(
    'shipment_busy',
    'another job is talking to the 3PL about this shipment',
    { shipmentId },
    2_000,
  );
}

/** Commits the 3PL's id the moment the remote call succeeded (OCA's binder rule). */
async function recordSubmission(
  hub: Hub,
  target: LoadedConnection,
  orderId: string,
  shipmentId: string,
  submitted: { externalId: string; status: 'submitted' | 'accepted'; data?: Record<string, unknown> },
): Promise<void> {
  await hub.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('external_ids')
      .values({
        merchant_id: target.row.merchant_id,
        connection_id: target.row.id,
        entity: 'shipment',
        external_id: submitted.externalId,
        hub_id: shipmentId,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const updated = await trx
      .updateTable('shipments')
      .set({
        status: submitted.status,
        external_id: submitted.externalId,
        data: JSON.stringify(submitted.data ?? {}),
        updated_at: new Date(),
      })
      .where('id', '=', shipmentId)
      .where('status', '=', 'pending')
      .returning('merchant_id')
      .executeTakeFirst();
    if (!updated) return;
    await recordOrderEvent(trx, {
      merchantId: updated.merchant_id,
      orderId,
      type: 'shipment.submitted',
      detail: { shipmentId, externalId: submitted.externalId, status: submitted.status },
    });
    const order = await trx
      .selectFrom('orders')
      .select(['id', 'merchant_id', 'status'])
      .where('id', '=', orderId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (order.status === 'ready') await moveOrderTo(trx, order, 'submitted');
    if (submitted.status === 'accepted') await refreshOrderFromShipments(trx, orderId);
  });
}

async function hold(hub: Hub, orderId: string, shipmentId: string, error: NeedsHumanError): Promise<void> {
  await hub.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('shipments')
      .set({ status: 'rejected', status_reason: error.code, updated_at: new Date() })
      .where('id', '=', shipmentId)
      .where('status', '=', 'pending')
      .execute();
    const order = await trx
      .selectFrom('orders')
      .select(['id', 'merchant_id', 'status'])
      .where('id', '=', orderId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const release = explainSubmitHold(error.code, error.message, orderId);
    await moveOrderTo(trx, order, 'on_hold', {
      code: error.code,
      detail: { ...error.context, message: release.message, actions: release.actions, shipmentId },
    });
  });
}

async function cancelOrder(hub: Hub, orderId: string): Promise<void> {
  const shipments = await hub.db
    .selectFrom('shipments')
    .select(['id', 'status', 'external_id', 'data', 'fulfillment_connection_id'])
    .where('order_id', '=', orderId)
    .where('status', 'in', ['pending', 'submitted', 'accepted'])
    .execute();
  const refused: { shipmentId: string; reason: string | null }[] = [];
  for (const shipment of shipments) {
    let outcome: { outcome: 'cancelled' | 'refused'; reason: string | null } = {
      outcome: 'cancelled',
      reason: null,
    };
    const target = await hub.connections.get(shipment.fulfillment_connection_id);
    let externalId = shipment.external_id;
    if (shipment.status === 'pending' && target) {
      // Never sent, or sent by a process that died before hearing back: ask the 3PL, by our reference.
      if (!(await claimShipment(hub, shipment.id))) throw shipmentBusy(shipment.id);
      const connector = target.connector as FulfillmentConnector;
      const found = await hub.connections.call(target, () =>
        connector.findShipment(target.context, shipment.id),
      );
      if (found) {
        await hub.db
          .insertInto('external_ids')
          .values({
            merchant_id: target.row.merchant_id,
            connection_id: target.row.id,
            entity: 'shipment',
            external_id: found.externalId,
            hub_id: shipment.id,
          })
          .onConflict((oc) => oc.doNothing())
          .execute();
        await hub.db
          .updateTable('shipments')
          .set({ external_id: found.externalId })
          .where('id', '=', shipment.id)
          .execute();
        externalId = found.externalId;
      }
    }
    if (externalId && target) {
      const connector = target.connector as FulfillmentConnector;
      const remoteId = externalId;
      outcome = await hub.connections.call(target, () =>
        connector.cancelShipment(target.context, {
          reference: shipment.id,
          externalId: remoteId,
          data: shipment.data,
        }),
      );
    }
    if (outcome.outcome === 'refused') refused.push({ shipmentId: shipment.id, reason: outcome.reason });
    else {
      await hub.db
        .updateTable('shipments')
        .set({ status: 'cancelled', updated_at: new Date() })
        .where('id', '=', shipment.id)
        .execute();
    }
  }
  const requested = await hub.db.transaction().execute(async (trx: Transaction<Database>) => {
    const order = await trx
      .selectFrom('orders')
      .select(['id', 'merchant_id', 'status', 'cancellation_requested'])
      .where('id', '=', orderId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (refused.length === 0) {
      await moveOrderTo(trx, order, 'cancelled');
    } else {
      // The 3PL is already past the point of no return: the order goes on and ships.
      await trx.updateTable('orders').set({ cancelled: false }).where('id', '=', orderId).execute();
      await recordOrderEvent(trx, {
        merchantId: order.merchant_id,
        orderId,
        type: 'order.cancel_refused',
        detail: { refused },
      });
    }
    return order.cancellation_requested;
  });
  if (requested) {
    await answerCancellation(
      hub,
      orderId,
      refused.length === 0 ? 'cancelled' : 'refused',
      refused.length === 0
        ? null
        : refused
            .map((r) => r.reason)
            .filter(Boolean)
            .join('; ') || 'the 3PL can no longer cancel',
    );
  }
}
