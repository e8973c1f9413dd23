import type { Transaction } from 'kysely';
import type { Database, OrderLine } from '../../db/types.ts';
import {
  type ExplainedLine,
  explainLine,
  explainOrderHold,
  explainUnidentified,
  type HoldScope,
} from '../../routing/explain-hold.ts';
import { planRoute, type UnidentifiedLine } from '../../routing/plan-route.ts';
import { buildSkuMap } from '../../routing/resolve-lines.ts';
import type { LoadedConnection } from '../connection-store.ts';
import type { Hub } from '../hub.ts';
import { hasHeldLines, moveOrderTo, refreshOrderFromShipments } from '../order-status.ts';
import { recordOrderEvent } from '../timeline.ts';
import { activeManualHold, holdOrder, holdsOf } from './order-holds.ts';
import { modeOf } from './route-mode.ts';
import { type RoutedLines, routeIdentifiedLines } from './route-with-engine.ts';
import { skuMapEntriesFor } from './sku-map-store.ts';
import { ensureStockKnown } from './stock-catalog.ts';

/**
 * Routes what of the order is not routed yet: the whole order when it is ready, or the held part of
 * an order whose other lines are at a 3PL (after a SKU map change, new stock or a policy change).
 * Lines become shipments (rows, submitted later) or keep a disposition saying why they are in none.
 */
export async function routeOrder(
  hub: Pick<Hub, 'boss' | 'connections' | 'db' | 'metrics' | 'log'>,
  orderId: string,
): Promise<void> {
  const found = await hub.db
    .selectFrom('orders')
    .innerJoin('merchants', 'merchants.id', 'orders.merchant_id')
    .select([
      'orders.status',
      'orders.ready_to_fulfill',
      'orders.cancelled',
      'merchants.default_fulfillment_connection_id as target',
    ])
    .where('orders.id', '=', orderId)
    .executeTakeFirst();
  if (!found) return;
  const candidate = modeOf(found, true);
  if (!candidate || (candidate === 'part' && !(await hasHeldLines(hub.db, orderId)))) return;

  // Every active 3PL of the merchant is a candidate; the default one ranks first (priority).
  const fulfillment = await activeFulfillmentConnections(hub, orderId, found.target);
  for (const connection of fulfillment) await ensureStockKnown(hub, connection);
  const activeTarget = fulfillment[0] ?? null;

  await hub.db.transaction().execute(async (trx) => {
    const order = await trx
      .selectFrom('orders')
      .innerJoin('merchants', 'merchants.id', 'orders.merchant_id')
      .select([
        'orders.id',
        'orders.merchant_id',
        'orders.storefront_connection_id',
        'orders.status',
        'orders.ready_to_fulfill',
        'orders.cancelled',
        'orders.placed_at',
        'orders.currency',
        'orders.total_minor',
        'orders.shipping_method',
        'orders.shipping_address',
        'orders.tags',
        'merchants.unidentified_line_policy as policy',
      ])
      .where('orders.id', '=', orderId)
      .forUpdate('orders')
      .executeTakeFirstOrThrow();
    const allLines = await trx
      .selectFrom('order_lines')
      .selectAll()
      .where('order_id', '=', orderId)
      .orderBy('source_line_id')
      .execute();
    const mode = modeOf(
      order,
      allLines.some((line) => line.disposition === 'held'),
    );
    if (!mode) return;
    const now = new Date();
    const holds = await holdsOf(trx, order.id);
    const manual = activeManualHold(holds, now);
    if (manual) {
      // A person's hold: nothing is routed until it is released (edits keep being applied meanwhile).
      if (mode === 'full') await holdOrder(trx, order, manual);
      return;
    }
    // A line part of which is at a 3PL already (a split, a partial re-route) routes only the rest.
    const placed = await unitsInLiveShipments(trx, order.id);
    const lines = (
      mode === 'full' ? allLines : allLines.filter((line) => line.disposition === 'held')
    ).flatMap((line) => {
      const left = line.quantity - (placed.get(line.id) ?? 0);
      return left > 0 ? [{ ...line, quantity: left }] : [];
    });

    const entries = await skuMapEntriesFor(trx, order.merchant_id, order.storefront_connection_id, lines);
    // Identification asks whether any of the merchant's 3PLs knows a SKU; where it goes is the engine's.
    const stockedSkus = new Map<string, Set<string>>();
    if (activeTarget) {
      const wanted = [
        ...new Set([
          ...lines.flatMap((line) => (line.sku ? [line.sku] : [])),
          ...entries.flatMap((entry) => (entry.action.kind === 'map' ? [entry.action.fulfillmentSku] : [])),
        ]),
      ];
      const known = wanted.length
        ? await trx
            .selectFrom('stock_levels')
            .select('sku')
            .distinct()
            .where(
              'connection_id',
              'in',
              fulfillment.map((connection) => connection.row.id),
            )
            .where('sku', 'in', wanted)
            .execute()
        : [];
      stockedSkus.set(activeTarget.row.id, new Set(known.map((k) => k.sku)));
    }
    const plan = planRoute(
      lines.map((line) => ({
        lineId: line.id,
        sku: line.sku,
        sourceProductId: line.source_product_id,
        sourceVariantId: line.source_variant_id,
        quantity: line.quantity,
        requiresShipping: line.requires_shipping,
        excluded: line.disposition === 'excluded',
      })),
      {
        defaultFulfillmentConnectionId: activeTarget?.row.id ?? null,
        stockedSkus,
        storefrontConnectionId: order.storefront_connection_id,
        skuMap: buildSkuMap(entries),
        policy: order.policy,
        partiallyRouted: mode === 'part',
      },
    );
    const scope: HoldScope = {
      merchantId: order.merchant_id,
      orderId: order.id,
      storefrontConnectionId: order.storefront_connection_id,
    };
    const byId = new Map(allLines.map((line) => [line.id, line]));
    const explained = (line: UnidentifiedLine): ExplainedLine => {
      const row = byId.get(line.lineId) as OrderLine;
      return {
        lineId: line.lineId,
        name: row.name,
        sku: row.sku,
        sourceProductId: row.source_product_id,
        sourceVariantId: row.source_variant_id,
        why: line.why,
        fulfillmentSku: line.fulfillmentSku,
      };
    };
    const event = (type: string, detail: Record<string, unknown>) =>
      recordOrderEvent(trx, { merchantId: order.merchant_id, orderId: order.id, type, detail });

    const doNotShip = () =>
      setDisposition(trx, plan.doNotShip, 'do_not_ship', {
        message: 'The SKU map says this product is never shipped.',
      });
    // Routing decides afresh for these lines; only a person's exclusion stands.
    const decideAfresh = () =>
      setDisposition(
        trx,
        lines.filter((line) => line.disposition !== 'excluded').map((line) => line.id),
        null,
        null,
      );

    if (plan.kind === 'hold') {
      if (mode === 'part') {
        // The held part cannot be sent (no 3PL connected now) and waits as it is; or nothing of it
        // is left to ship (the map says "do not ship"), and the order may be complete without it.
        if (plan.reason === 'nothing_to_ship') {
          await decideAfresh();
          await doNotShip();
          await refreshOrderFromShipments(trx, order.id);
        }
        return;
      }
      await decideAfresh();
      const unidentified = plan.unidentified.map(explained);
      for (const line of unidentified) {
        await setDisposition(trx, [line.lineId], 'held', heldDetail(line, scope));
      }
      await doNotShip();
      const explanation =
        plan.reason === 'missing_sku' || plan.reason === 'unknown_sku'
          ? explainUnidentified(unidentified, scope)
          : explainOrderHold(plan.reason, scope);
      await moveOrderTo(trx, order, 'on_hold', {
        code: plan.reason,
        detail: {
          ...plan.detail,
          message: explanation.message,
          actions: explanation.actions,
          ...(unidentified.length ? { lines: unidentified.map(lineSummary(byId)) } : {}),
        },
      });
      return;
    }

    await decideAfresh();
    const identified = plan.shipments.flatMap((shipment) => shipment.lines);
    const routed =
      identified.length > 0
        ? await routeIdentifiedLines(trx, hub.boss, {
            order,
            lines: identified.map((line) => ({ ...line, row: byId.get(line.lineId) as OrderLine })),
            holds,
            defaultConnectionId: found.target,
            now,
          })
        : null;
    for (const planned of routed?.shipments ?? []) {
      const shipment = await trx
        .insertInto('shipments')
        .values({
          merchant_id: order.merchant_id,
          order_id: order.id,
          fulfillment_connection_id: planned.fulfillmentConnectionId,
          location: planned.locationKey,
          status: 'pending',
          data: JSON.stringify({}),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('shipment_lines')
        .values(
          planned.lines.map((line) => ({
            shipment_id: shipment.id,
            order_line_id: line.lineId,
            merchant_id: order.merchant_id,
            sku: line.sku,
            quantity: line.quantity,
          })),
        )
        .execute();
      await event('shipment.planned', {
        shipmentId: shipment.id,
        fulfillmentConnectionId: planned.fulfillmentConnectionId,
        location: planned.locationKey,
        lines: planned.lines.length,
        ...(mode === 'part' ? { heldPartReleased: true } : {}),
      });
    }
    for (const waiting of routed?.waiting ?? []) {
      await setDisposition(trx, [waiting.lineId], 'held', waiting.detail);
    }

    const partScope = { ...scope, part: true };
    const held = plan.held.map(explained);
    for (const line of held) await setDisposition(trx, [line.lineId], 'held', heldDetail(line, partScope));
    const skipped = plan.skipped.map(explained);
    for (const line of skipped) {
      await setDisposition(trx, [line.lineId], 'skipped', {
        why: line.why,
        fulfillmentSku: line.fulfillmentSku,
        message: `Skipped by the merchant's line policy: ${line.why === 'missing_sku' ? 'the line has no SKU' : `the 3PL does not stock SKU "${line.fulfillmentSku}"`}; it will not be shipped.`,
      });
    }
    await doNotShip();

    // Once, when the part is first held: a held part is looked at again on every change of the order.
    if (held.length > 0 && mode === 'full') {
      const explanation = explainUnidentified(held, partScope);
      await event('order.part_held', {
        message: explanation.message,
        actions: explanation.actions,
        lines: held.map(lineSummary(byId)),
      });
    }
    if (skipped.length > 0) {
      await event('order.lines_skipped', {
        message: `${skipped.length === 1 ? 'A line was' : `${skipped.length} lines were`} left out because the 3PL cannot identify ${skipped.length === 1 ? 'it' : 'them'} (line policy "skip").`,
        lines: skipped.map(lineSummary(byId)),
      });
    }
    if (mode === 'full' && routed?.orderHold) {
      await holdOrder(trx, order, routed.orderHold);
    } else if (mode === 'full' && routed && routed.shipments.length === 0 && routed.waiting.length > 0) {
      await moveOrderTo(trx, order, 'on_hold', {
        code: 'unfillable',
        detail: unfillableDetail(routed, scope),
      });
    } else if (mode === 'full') await moveOrderTo(trx, order, 'ready');
    else await refreshOrderFromShipments(trx, order.id);
  });
}

/** Units of each line already in a shipment that is still live (not rejected, not cancelled). */
async function unitsInLiveShipments(trx: Transaction<Database>, orderId: string) {
  const rows = await trx
    .selectFrom('shipment_lines')
    .innerJoin('shipments', 'shipments.id', 'shipment_lines.shipment_id')
    .select((eb) => [
      'shipment_lines.order_line_id',
      eb.fn.sum<string | number>('shipment_lines.quantity').as('units'),
    ])
    .where('shipments.order_id', '=', orderId)
    .where('shipments.status', 'not in', ['rejected', 'cancelled'])
    .groupBy('shipment_lines.order_line_id')
    .execute();
  return new Map(rows.map((row) => [row.order_line_id, Number(row.units)]));
}

/** The merchant's active 3PL connections, the default first. */
async function activeFulfillmentConnections(
  hub: Pick<Hub, 'connections' | 'db'>,
  orderId: string,
  defaultConnectionId: string | null,
): Promise<LoadedConnection[]> {
  const rows = await hub.db
    .selectFrom('connections')
    .innerJoin('orders', 'orders.merchant_id', 'connections.merchant_id')
    .select('connections.id')
    .where('orders.id', '=', orderId)
    .where('connections.role', '=', 'fulfillment')
    .where('connections.status', '=', 'active')
    .orderBy('connections.id')
    .execute();
  const ids = rows
    .map((row) => row.id)
    .sort((a, b) => Number(b === defaultConnectionId) - Number(a === defaultConnectionId));
  const loaded = await Promise.all(ids.map((id) => hub.connections.get(id)));
  return loaded.filter((connection): connection is LoadedConnection => connection?.row.status === 'active');
}

function unfillableDetail(routed: RoutedLines, scope: HoldScope): Record<string, unknown> {
  const lines = routed.waiting.filter((line) => line.detail.why === 'unfillable');
  const skus = [...new Set(lines.map((line) => String(line.detail.fulfillmentSku)))];
  return {
    skus,
    lines: lines.map((line) => ({ lineId: line.lineId, ...line.detail })),
    message: `No location can ship ${skus.join(', ')} now (see each line's shortfall). The order is routed by itself when the 3PL reports stock for ${skus.length === 1 ? 'it' : 'them'}; or route it again via POST /api/orders/${scope.orderId}/retry.`,
    actions: [
      { method: 'POST', path: `/api/orders/${scope.orderId}/retry`, description: 'route the order again' },
    ],
  };
}

function heldDetail(line: ExplainedLine, scope: HoldScope): Record<string, unknown> {
  const explanation = explainLine(line, scope);
  return {
    why: line.why,
    fulfillmentSku: line.fulfillmentSku,
    part: scope.part ?? false,
    message: explanation.message,
    actions: explanation.actions,
  };
}

const lineSummary = (byId: Map<string, OrderLine>) => (line: ExplainedLine) => ({
  lineId: line.lineId,
  sourceLineId: byId.get(line.lineId)?.source_line_id,
  name: line.name,
  sku: line.sku,
  sourceProductId: line.sourceProductId,
  sourceVariantId: line.sourceVariantId,
  why: line.why,
  fulfillmentSku: line.fulfillmentSku,
});

async function setDisposition(
  trx: Transaction<Database>,
  lineIds: string[],
  disposition: OrderLine['disposition'],
  detail: Record<string, unknown> | null,
): Promise<void> {
  if (lineIds.length === 0) return;
  await trx
    .updateTable('order_lines')
    .set({ disposition, disposition_detail: detail ? JSON.stringify(detail) : null })
    .where('id', 'in', lineIds)
    .execute();
}
