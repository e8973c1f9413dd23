/**
 * Reconciliation: webhooks are hints and some never arrive (or arrive a day late). Every order
 * changed since the cursor is read again and reported; the hub applies each version once, so this
 * path and the webhook path cannot double anything. As a fulfillment service, the requests waiting
 * at the hub's location are swept as well, and only cancellations are taken from the order list
 * (requests, not orders, are what the hub fulfils in that mode).
 */
import {
  type CanonicalEvent,
  orderEventsOrInvalid,
  type PollResult,
  RetryableError,
} from '../../src/sdk/index.ts';
import { modeOf, readState, type ShopifyContext } from './connection.ts';
import type { ShopifyDeps } from './deps.ts';
import { sweepFulfillmentRequests } from './fulfillment-requests.ts';
import { ordersUpdatedSince, type PolledOrder } from './graphql/orders.ts';
import { mapOrder } from './map-order.ts';
import { factsFromGraphql } from './order-facts.ts';

/** Bounds one poll (100 orders); the cursor lets the next poll carry on. */
const MAX_PAGES = 20;
/** Where a connection's first poll starts when it has no record of when it connected. */
const FIRST_POLL_LOOKBACK_MS = 24 * 3600_000;

export async function pollShopify(
  deps: ShopifyDeps,
  context: ShopifyContext,
  cursor: string | null,
): Promise<PollResult> {
  const mode = modeOf(context);
  const since =
    cursor ?? readState(context).connectedAt ?? new Date(Date.now() - FIRST_POLL_LOOKBACK_MS).toISOString();
  // `>=`: Shopify's timestamps are to the second, so the boundary is read again rather than lost;
  // the hub already has that version and ignores it.
  const query = `updated_at:>='${since}'${mode === 'fulfillment_service' ? ' AND status:cancelled' : ''}`;
  const orders = await changedOrders(deps, context, query);
  const events: CanonicalEvent[] = [];
  for (const order of orders) {
    if (mode === 'fulfillment_service') {
      if (order.cancelledAt) {
        events.push({
          type: 'order.cancelled',
          sourceOrderId: order.legacyResourceId,
          sourceUpdatedAt: order.updatedAt,
        });
      }
      continue;
    }
    if (order.lineItems.pageInfo.hasNextPage) {
      // More lines than one page reads: mapping part of an order would ship part of it.
      context.log.warn(
        { order: order.name },
        'order with more than 50 lines skipped by reconciliation; its webhook carries it whole',
      );
      continue;
    }
    const lines = order.lineItems.nodes.map((lineItem) => ({ lineItem, quantity: lineItem.currentQuantity }));
    // An order the hub cannot hold is held with the reason; the poll carries on with the others.
    events.push(
      ...orderEventsOrInvalid(
        {
          sourceOrderId: order.legacyResourceId,
          sourceOrderName: order.name,
          sourceUpdatedAt: order.updatedAt,
        },
        () => [{ type: 'order.upserted', order: mapOrder(factsFromGraphql(order, lines), { mode }) }],
      ),
    );
  }
  if (mode === 'fulfillment_service') {
    events.push(
      ...(await sweepFulfillmentRequests(deps, context, ['FULFILLMENT_REQUESTED', 'CANCELLATION_REQUESTED'])),
    );
  }
  const newest = orders.reduce<string | null>(
    (latest, order) =>
      latest === null || Date.parse(order.updatedAt) > Date.parse(latest) ? order.updatedAt : latest,
    null,
  );
  return { events, nextCursor: newest };
}

async function changedOrders(
  deps: ShopifyDeps,
  context: ShopifyContext,
  query: string,
): Promise<PolledOrder[]> {
  const orders: PolledOrder[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    let connection: Awaited<ReturnType<typeof readPage>>;
    try {
      connection = await readPage(deps, context, { query, after });
    } catch (error) {
      // What was read is reported (and the cursor moves past it); the rest comes next time.
      if (page > 0 && error instanceof RetryableError && error.code === 'throttled') break;
      throw error;
    }
    orders.push(...connection.nodes);
    if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) break;
    after = connection.pageInfo.endCursor;
  }
  return orders;
}

async function readPage(deps: ShopifyDeps, context: ShopifyContext, variables: Record<string, unknown>) {
  return (await deps.admin(context, ordersUpdatedSince, variables)).orders;
}
