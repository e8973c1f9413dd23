import type { Transaction } from 'kysely';
import type { Database } from '../../db/types.ts';
import type { OrderInput } from '../../domain/order.ts';
import { moveOrder } from '../../domain/order-state.ts';
import { recordOrderEvent } from '../timeline.ts';

export type UpsertOutcome = 'created' | 'updated' | 'stale';

// States in which the storefront's lines may still change what we send to the 3PL.
const UNROUTED = new Set(['received', 'on_hold']);

/**
 * Applies a storefront's order to the canonical model, only when it is newer than what we hold:
 * deliveries repeat and arrive out of order, and the storefront's own `updated_at` is the truth.
 */
export async function upsertOrder(
  trx: Transaction<Database>,
  scope: { merchantId: string; storefrontConnectionId: string; via: string },
  input: OrderInput,
): Promise<{ orderId: string; outcome: UpsertOutcome }> {
  const values = {
    source_order_name: input.sourceOrderName,
    source_updated_at: input.sourceUpdatedAt,
    ready_to_fulfill: input.readyToFulfill,
    currency: input.currency,
    total_minor: input.totalMinor,
    email: input.email,
    shipping_address: input.shippingAddress ? JSON.stringify(input.shippingAddress) : null,
    shipping_method: input.shippingMethod,
    tags: JSON.stringify(input.tags),
    note: input.note,
    test: input.test,
    placed_at: input.placedAt,
    source_data: JSON.stringify(input.sourceData ?? {}),
  };
  const created = await trx
    .insertInto('orders')
    .values({
      ...values,
      merchant_id: scope.merchantId,
      storefront_connection_id: scope.storefrontConnectionId,
      source_order_id: input.sourceOrderId,
      status: 'received',
      cancelled: input.cancelled,
    })
    .onConflict((oc) => oc.columns(['storefront_connection_id', 'source_order_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (created) {
    await insertLines(trx, scope.merchantId, created.id, input);
    await recordOrderEvent(trx, {
      merchantId: scope.merchantId,
      orderId: created.id,
      type: 'order.received',
      detail: {
        via: scope.via,
        sourceUpdatedAt: input.sourceUpdatedAt,
        readyToFulfill: input.readyToFulfill,
      },
    });
    return { orderId: created.id, outcome: 'created' };
  }

  const existing = await trx
    .selectFrom('orders')
    .select(['id', 'status', 'source_updated_at', 'cancelled'])
    .where('storefront_connection_id', '=', scope.storefrontConnectionId)
    .where('source_order_id', '=', input.sourceOrderId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const incoming = new Date(input.sourceUpdatedAt).getTime();
  const stored = existing.source_updated_at.getTime();
  // The same version again (a poll after its webhook) is no news; an older one is worth showing.
  if (incoming === stored) return { orderId: existing.id, outcome: 'stale' };
  if (incoming < stored) {
    await recordOrderEvent(trx, {
      merchantId: scope.merchantId,
      orderId: existing.id,
      type: 'order.update_ignored',
      detail: {
        via: scope.via,
        reason: 'not newer than stored version',
        incoming: input.sourceUpdatedAt,
        stored: existing.source_updated_at.toISOString(),
      },
    });
    return { orderId: existing.id, outcome: 'stale' };
  }

  const reopen = existing.status === 'on_hold';
  await trx
    .updateTable('orders')
    .set({
      ...values,
      cancelled: existing.cancelled || input.cancelled,
      updated_at: new Date(),
      // A held order is routed again after the storefront changed it (a fixed SKU, an address).
      ...(reopen
        ? {
            status: moveOrder('on_hold', 'received'),
            status_reason: null,
            status_detail: null,
            routing_answer: null,
          }
        : {}),
    })
    .where('id', '=', existing.id)
    .execute();
  if (UNROUTED.has(existing.status)) {
    // A person's "release without these lines" outlives the storefront's next edit of the order.
    const excluded = await trx
      .selectFrom('order_lines')
      .select(['source_line_id', 'disposition_detail'])
      .where('order_id', '=', existing.id)
      .where('disposition', '=', 'excluded')
      .execute();
    await trx.deleteFrom('order_lines').where('order_id', '=', existing.id).execute();
    await insertLines(trx, scope.merchantId, existing.id, input, excluded);
  }
  await recordOrderEvent(trx, {
    merchantId: scope.merchantId,
    orderId: existing.id,
    type: 'order.updated',
    detail: {
      via: scope.via,
      sourceUpdatedAt: input.sourceUpdatedAt,
      reopened: reopen,
      linesReplaced: UNROUTED.has(existing.status),
    },
  });
  return { orderId: existing.id, outcome: 'updated' };
}

/** A cancellation from the storefront: flagged here, carried out (at the 3PL too) by advanceOrder. */
export async function flagOrderCancelled(
  trx: Transaction<Database>,
  scope: { merchantId: string; storefrontConnectionId: string; via: string },
  sourceOrderId: string,
  sourceUpdatedAt: string,
  requested = false,
): Promise<string | null> {
  const order = await trx
    .updateTable('orders')
    .set({ cancelled: true, cancellation_requested: requested, updated_at: new Date() })
    .where('storefront_connection_id', '=', scope.storefrontConnectionId)
    .where('source_order_id', '=', sourceOrderId)
    .returning('id')
    .executeTakeFirst();
  if (!order) return null;
  await recordOrderEvent(trx, {
    merchantId: scope.merchantId,
    orderId: order.id,
    type: 'order.cancel_requested',
    detail: { via: scope.via, sourceUpdatedAt, requested },
  });
  return order.id;
}

async function insertLines(
  trx: Transaction<Database>,
  merchantId: string,
  orderId: string,
  input: OrderInput,
  excluded: { source_line_id: string; disposition_detail: Record<string, unknown> | null }[] = [],
) {
  if (input.lines.length === 0) return;
  const exclusions = new Map(excluded.map((line) => [line.source_line_id, line.disposition_detail]));
  await trx
    .insertInto('order_lines')
    .values(
      input.lines.map((line) => ({
        order_id: orderId,
        merchant_id: merchantId,
        source_line_id: line.sourceLineId,
        sku: line.sku,
        name: line.name,
        quantity: line.quantity,
        unit_price_minor: line.unitPriceMinor,
        requires_shipping: line.requiresShipping,
        source_product_id: line.sourceProductId ?? null,
        source_variant_id: line.sourceVariantId ?? null,
        ...(exclusions.has(line.sourceLineId)
          ? {
              disposition: 'excluded' as const,
              disposition_detail: JSON.stringify(exclusions.get(line.sourceLineId) ?? {}),
            }
          : {}),
      })),
    )
    .execute();
}
