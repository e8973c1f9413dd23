import type { Kysely } from 'kysely';
import type { Database, DeliveryStatus, Order, ShipmentParcel } from '../../db/types.ts';
import { findDeferredOperations } from '../../pipeline/deferrals.ts';
import type { OrderDetail } from '../../queries/orders.ts';

/** How an order row and its parts are shown by the admin API (rows in, response shapes out). */

export function orderSummaryView(row: Order & { held_lines?: string | number | bigint | null }) {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    storefrontConnectionId: row.storefront_connection_id,
    sourceOrderId: row.source_order_id,
    name: row.source_order_name,
    status: row.status,
    statusReason: row.status_reason,
    // A cancelled order waits for nothing.
    heldLines: row.status === 'cancelled' ? 0 : Number(row.held_lines ?? 0),
    cancelled: row.cancelled,
    currency: row.currency,
    totalMinor: Number(row.total_minor),
    test: row.test,
    placedAt: row.placed_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The write-backs of these shipments that are past the stuck threshold, by shipment. */
async function stuckWritebacks(db: Kysely<Database>, shipmentIds: string[]) {
  const deferred = await findDeferredOperations(db, 'write-tracking', shipmentIds);
  return new Map(
    deferred
      .filter((operation) => operation.stuck)
      .map((operation) => [
        operation.subject,
        {
          code: operation.code,
          reason: operation.reason,
          deferrals: operation.deferrals,
          since: operation.firstDeferredAt.toISOString(),
          lastDeferredAt: operation.lastDeferredAt.toISOString(),
          deadLettered: operation.deadLettered,
        },
      ]),
  );
}

/** The held part's lines: held while the rest of the order ships. */
function heldPartView(lines: OrderDetail['lines']) {
  const heldPart = lines.filter(
    (l) => l.disposition === 'held' && (l.disposition_detail as { part?: boolean } | null)?.part,
  );
  if (!heldPart.length) return null;
  return {
    lineIds: heldPart.map((l) => l.id),
    messages: heldPart.map((l) => String(l.disposition_detail?.message ?? '')),
    actions: uniqueActions(
      heldPart.flatMap((l) => (l.disposition_detail?.actions as Record<string, unknown>[]) ?? []),
    ),
  };
}

export async function orderDetailView(db: Kysely<Database>, detail: OrderDetail) {
  const { order, lines, shipments, shipmentLines, parcels, events, failedDeliveries, routingDecisions } =
    detail;
  const stuck = await stuckWritebacks(
    db,
    shipments.map((s) => s.id),
  );
  return {
    ...orderSummaryView({ ...order, held_lines: lines.filter((l) => l.disposition === 'held').length }),
    statusDetail: order.status_detail,
    email: order.email,
    shippingMethod: order.shipping_method,
    shippingAddress: order.shipping_address,
    tags: order.tags,
    note: order.note,
    lines: lines.map((l) => ({
      id: l.id,
      sourceLineId: l.source_line_id,
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      unitPriceMinor: Number(l.unit_price_minor),
      requiresShipping: l.requires_shipping,
      sourceProductId: l.source_product_id,
      sourceVariantId: l.source_variant_id,
      disposition: l.disposition,
      dispositionDetail: l.disposition_detail,
    })),
    heldPart: heldPartView(lines),
    shipments: shipments.map((s) => ({
      id: s.id,
      fulfillmentConnectionId: s.fulfillment_connection_id,
      location: s.location,
      status: s.status,
      statusReason: s.status_reason,
      externalId: s.external_id,
      tracking: s.tracking_number
        ? { carrier: s.carrier, number: s.tracking_number, url: s.tracking_url }
        : null,
      trackingWrittenBack:
        s.tracking_written_number !== null && s.tracking_written_number === s.tracking_number,
      writebackStuck: stuck.get(s.id) ?? null,
      shippedAt: s.shipped_at ? s.shipped_at.toISOString() : null,
      lines: shipmentLines
        .filter((l) => l.shipment_id === s.id)
        .map((l) => ({ sku: l.sku, quantity: l.quantity })),
      parcels: parcels.filter((p) => p.shipment_id === s.id).map(parcelView),
    })),
    // The query asks for failed and dead ones only; the filter tells the type so.
    failedDeliveries: failedDeliveries.filter(isFailed).map((d) => ({
      id: d.id,
      connectionId: d.connection_id,
      connector: d.connector,
      source: d.source,
      topic: d.topic,
      status: d.status,
      attempts: d.attempts,
      lastError: d.last_error,
      receivedAt: d.received_at.toISOString(),
    })),
    timeline: events.map((e) => ({ type: e.type, at: e.created_at.toISOString(), detail: e.detail })),
    routingDecisions: routingDecisions.map((d) => ({
      ruleSetVersion: d.rule_set_version,
      at: d.created_at.toISOString(),
      decision: d.decision,
    })),
  };
}

/** A package the 3PL shipped the shipment in, with whether its tracking reached the storefront. */
function parcelView(p: ShipmentParcel) {
  return {
    id: p.id,
    externalId: p.external_id,
    status: p.status,
    statusReason: p.reason,
    location: p.location,
    tracking: p.tracking_number
      ? { carrier: p.carrier, number: p.tracking_number, url: p.tracking_url }
      : null,
    trackingWrittenBack:
      p.tracking_external_id !== null &&
      p.tracking_written_number !== null &&
      p.tracking_written_number === p.tracking_number,
    lines: p.lines,
    writtenLines: p.written_lines,
    updatedAt: new Date(p.occurred_at).toISOString(),
  };
}

function isFailed<D extends { status: DeliveryStatus }>(
  delivery: D,
): delivery is D & { status: 'failed' | 'dead' } {
  return delivery.status === 'failed' || delivery.status === 'dead';
}

function uniqueActions<T>(actions: T[]): T[] {
  const seen = new Set<string>();
  return actions.filter((action) => {
    const key = JSON.stringify(action);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
