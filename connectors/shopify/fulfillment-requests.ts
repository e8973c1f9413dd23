/**
 * Fulfillment-service mode: Shopify asks, the hub answers. A notification (or a webhook, or the
 * reconciliation timer) only says "look"; the sweep reads the fulfillment orders assigned to the
 * hub's location that wait for an answer and turns them into canonical events. The hub routes the
 * order and then answers through `answerRouting` / `answerCancellation`, which accept or reject
 * here, re-reading the state first so that a repeated answer is harmless.
 * Longer than 300 lines: the sweep and the answers read the same assigned fulfillment orders and
 * the same request ids (`sourceData`), so the reading and the answering are kept side by side.
 */
import {
  type CanonicalEvent,
  NeedsHumanError,
  type OrderRef,
  orderEventsOrInvalid,
  RetryableError,
} from '../../src/sdk/index.ts';
import { readState, type ShopifyContext } from './connection.ts';
import type { ShopifyDeps } from './deps.ts';
import {
  type AssignedFulfillmentOrder,
  acceptCancellationRequest,
  acceptFulfillmentRequest,
  assignedFulfillmentOrders,
  type FulfillmentOrderAnswer,
  type FulfillmentOrderState,
  orderFulfillmentOrders,
  rejectCancellationRequest,
  rejectFulfillmentRequest,
} from './graphql/fulfillment-orders.ts';
import type { AdminOperation } from './graphql/operation.ts';
import { mapOrder } from './map-order.ts';
import { factsFromGraphql } from './order-facts.ts';
import { gidFor } from './payload-validation.ts';

export type AssignmentStatus = 'FULFILLMENT_REQUESTED' | 'CANCELLATION_REQUESTED';

/** Bounds one sweep; whatever is left is found by the next notification or reconciliation. */
const MAX_PAGES = 20;

/**
 * What waits for the hub's answer, as canonical events: an `order.upserted` (ready to fulfil) per
 * order with requested fulfillment orders, an `order.cancelled` (requested) per order whose
 * merchant asked to cancel. Throttling after the first page ends the sweep early with what it has.
 */
export async function sweepFulfillmentRequests(
  deps: ShopifyDeps,
  context: ShopifyContext,
  statuses: readonly AssignmentStatus[],
): Promise<CanonicalEvent[]> {
  const events: CanonicalEvent[] = [];
  for (const status of statuses) {
    const found = await assignedWithStatus(deps, context, status);
    if (status === 'FULFILLMENT_REQUESTED')
      events.push(...(await fulfillmentRequestEvents(deps, context, found)));
    else events.push(...cancellationRequestEvents(found));
  }
  return events;
}

async function assignedWithStatus(
  deps: ShopifyDeps,
  context: ShopifyContext,
  status: AssignmentStatus,
): Promise<AssignedFulfillmentOrder[]> {
  const { locationId } = readState(context);
  const found: AssignedFulfillmentOrder[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    let connection: Awaited<ReturnType<typeof readPage>>;
    try {
      connection = await readPage(deps, context, {
        status,
        locationIds: locationId ? [locationId] : null,
        after,
      });
    } catch (error) {
      // Progress over completeness: what was read is answered now, the rest on the next sweep.
      if (page > 0 && error instanceof RetryableError && error.code === 'throttled') {
        context.log.warn({ status, pages: page }, 'fulfillment request sweep cut short by throttling');
        break;
      }
      throw error;
    }
    found.push(...connection.nodes);
    if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) break;
    after = connection.pageInfo.endCursor;
  }
  return found;
}

async function readPage(deps: ShopifyDeps, context: ShopifyContext, variables: Record<string, unknown>) {
  return (await deps.admin(context, assignedFulfillmentOrders, variables)).assignedFulfillmentOrders;
}

async function fulfillmentRequestEvents(
  deps: ShopifyDeps,
  context: ShopifyContext,
  requested: AssignedFulfillmentOrder[],
): Promise<CanonicalEvent[]> {
  const byOrder = new Map<string, AssignedFulfillmentOrder[]>();
  for (const fulfillmentOrder of requested) {
    if (fulfillmentOrder.lineItems.pageInfo.hasNextPage) {
      // More lines than one read holds: say so to the merchant instead of shipping part of it.
      await answer(deps, context, rejectFulfillmentRequest, {
        id: fulfillmentOrder.id,
        reason: 'ORDER_TOO_LARGE',
        message: 'More than 50 lines in one fulfillment order: split it and request again.',
      });
      continue;
    }
    const group = byOrder.get(fulfillmentOrder.order.id) ?? [];
    group.push(fulfillmentOrder);
    byOrder.set(fulfillmentOrder.order.id, group);
  }
  const events: CanonicalEvent[] = [];
  for (const group of byOrder.values()) {
    const order = group[0]?.order;
    if (!order) continue;
    const lines = group.flatMap((fulfillmentOrder) =>
      fulfillmentOrder.lineItems.nodes
        .filter((line) => line.remainingQuantity > 0)
        .map((line) => ({ lineItem: line.lineItem, quantity: line.remainingQuantity })),
    );
    // A request made again after a rejection must read as news even if the order is unchanged.
    const sourceUpdatedAt = latest([order.updatedAt, ...group.flatMap(requestTimes)]);
    // An order the hub cannot hold is held with the reason; the sweep carries on with the others.
    events.push(
      ...orderEventsOrInvalid(
        { sourceOrderId: order.legacyResourceId, sourceOrderName: order.name, sourceUpdatedAt },
        () => [
          {
            type: 'order.upserted',
            order: mapOrder(factsFromGraphql(order, mergeLines(lines)), {
              mode: 'fulfillment_service',
              sourceUpdatedAt,
              sourceData: { fulfillmentOrderIds: group.map((fulfillmentOrder) => fulfillmentOrder.id) },
            }),
          },
        ],
      ),
    );
  }
  return events;
}

function cancellationRequestEvents(requested: AssignedFulfillmentOrder[]): CanonicalEvent[] {
  const byOrder = new Map<string, AssignedFulfillmentOrder[]>();
  for (const fulfillmentOrder of requested) {
    byOrder.set(fulfillmentOrder.order.id, [
      ...(byOrder.get(fulfillmentOrder.order.id) ?? []),
      fulfillmentOrder,
    ]);
  }
  return [...byOrder.values()].flatMap((group) => {
    const order = group[0]?.order;
    if (!order) return [];
    return [
      {
        type: 'order.cancelled' as const,
        sourceOrderId: order.legacyResourceId,
        sourceUpdatedAt: latest(group.flatMap(requestTimes)),
        requested: true,
      },
    ];
  });
}

function requestTimes(fulfillmentOrder: AssignedFulfillmentOrder): string[] {
  return [
    fulfillmentOrder.updatedAt,
    ...fulfillmentOrder.merchantRequests.nodes.map((request) => request.sentAt),
  ];
}

function latest(times: string[]): string {
  return times.reduce((newest, time) => (Date.parse(time) > Date.parse(newest) ? time : newest));
}

/** The same order line split over two fulfillment orders at our location is one canonical line. */
function mergeLines<T extends { lineItem: { id: string }; quantity: number }>(lines: T[]): T[] {
  const merged = new Map<string, T>();
  for (const line of lines) {
    const seen = merged.get(line.lineItem.id);
    merged.set(line.lineItem.id, seen ? { ...seen, quantity: seen.quantity + line.quantity } : line);
  }
  return [...merged.values()];
}

/** Why the hub holds an order, in Shopify's words for a rejected fulfillment request. */
export function rejectionReason(holdCode: string | null): string {
  switch (holdCode) {
    case 'unknown_sku':
      return 'INVALID_SKU';
    case 'missing_sku':
      return 'INCORRECT_PRODUCT_INFO';
    case 'missing_address':
      return 'INCORRECT_ADDRESS';
    case 'nothing_to_ship':
      return 'INELIGIBLE_PRODUCT';
    case 'out_of_stock':
    case 'insufficient_stock':
      return 'INVENTORY_OUT_OF_STOCK';
    default:
      return 'OTHER';
  }
}

const REASON_TEXT: Record<string, string> = {
  unknown_sku: 'The warehouse does not stock a SKU of this order.',
  missing_sku: 'A line of this order has no SKU.',
  missing_address: 'The order has no usable shipping address.',
  nothing_to_ship: 'Nothing in this order needs shipping.',
  no_fulfillment_connection: 'No warehouse is connected to the hub for this shop.',
};

/** Our fulfillment orders of the order, as they stand now. */
async function ourFulfillmentOrders(
  deps: ShopifyDeps,
  context: ShopifyContext,
  order: OrderRef,
): Promise<FulfillmentOrderState[]> {
  const { order: found } = await deps.admin(context, orderFulfillmentOrders, {
    id: gidFor('Order', order.sourceOrderId),
  });
  if (!found) {
    throw new NeedsHumanError('order_not_found', `Shopify has no order ${order.sourceOrderName}`, {
      sourceOrderId: order.sourceOrderId,
    });
  }
  const { locationId } = readState(context);
  return found.fulfillmentOrders.nodes.filter(
    (fulfillmentOrder) => !locationId || fulfillmentOrder.assignedLocation.location?.id === locationId,
  );
}

function requestedIds(order: OrderRef): Set<string> | null {
  const ids = order.sourceData.fulfillmentOrderIds;
  return Array.isArray(ids) && ids.every((id) => typeof id === 'string') ? new Set(ids as string[]) : null;
}

/**
 * Accepts the fulfillment orders the hub routed, or rejects them with the reason. Only the ones
 * still waiting (SUBMITTED) are answered: an answer given before (a retried job) is not repeated,
 * and a request that came later (another fulfillment order) waits for its own routing.
 */
export async function answerFulfillmentRequest(
  deps: ShopifyDeps,
  context: ShopifyContext,
  input: { order: OrderRef; outcome: 'accepted' | 'rejected'; reason: string | null },
): Promise<void> {
  const routed = requestedIds(input.order);
  const waiting = (await ourFulfillmentOrders(deps, context, input.order)).filter(
    (fulfillmentOrder) =>
      fulfillmentOrder.requestStatus === 'SUBMITTED' && (routed === null || routed.has(fulfillmentOrder.id)),
  );
  if (input.outcome === 'accepted') {
    await acceptRequests(deps, context, waiting);
    return;
  }
  for (const fulfillmentOrder of waiting) {
    await answer(deps, context, rejectFulfillmentRequest, {
      id: fulfillmentOrder.id,
      reason: rejectionReason(input.reason),
      message:
        (input.reason && REASON_TEXT[input.reason]) ??
        `The hub cannot fulfil this order (${input.reason ?? 'unroutable'}).`,
    });
  }
}

/** Accepts these fulfillment requests, and records the new state on the objects read. */
export async function acceptRequests(
  deps: ShopifyDeps,
  context: ShopifyContext,
  fulfillmentOrders: FulfillmentOrderState[],
): Promise<void> {
  for (const fulfillmentOrder of fulfillmentOrders) {
    const accepted = await answer(deps, context, acceptFulfillmentRequest, {
      id: fulfillmentOrder.id,
      message: 'Accepted: sent to the warehouse.',
    });
    if (accepted)
      Object.assign(fulfillmentOrder, { status: accepted.status, requestStatus: accepted.requestStatus });
  }
}

/** Tells Shopify whether the warehouse could still cancel: accepts or rejects the cancellation requests. */
export async function answerCancellationRequest(
  deps: ShopifyDeps,
  context: ShopifyContext,
  input: { order: OrderRef; outcome: 'cancelled' | 'refused'; reason: string | null },
): Promise<void> {
  const waiting = (await ourFulfillmentOrders(deps, context, input.order)).filter(
    (fulfillmentOrder) => fulfillmentOrder.requestStatus === 'CANCELLATION_REQUESTED',
  );
  for (const fulfillmentOrder of waiting) {
    if (input.outcome === 'cancelled') {
      await answer(deps, context, acceptCancellationRequest, {
        id: fulfillmentOrder.id,
        message: 'Cancelled at the warehouse.',
      });
    } else {
      await answer(deps, context, rejectCancellationRequest, {
        id: fulfillmentOrder.id,
        message: `The warehouse can no longer cancel: ${input.reason ?? 'it is already on its way'}.`,
      });
    }
  }
}

async function answer<K extends string>(
  deps: ShopifyDeps,
  context: ShopifyContext,
  operation: AdminOperation<Record<K, FulfillmentOrderAnswer | null>>,
  variables: Record<string, unknown>,
): Promise<FulfillmentOrderAnswer['fulfillmentOrder']> {
  const data = await deps.admin(context, operation, variables);
  const result = Object.values(data)[0] as FulfillmentOrderAnswer | null;
  const problems = result?.userErrors ?? [];
  if (problems.length > 0) {
    throw new NeedsHumanError(
      'fulfillment_order_answer_refused',
      `${operation.name} refused: ${problems.map((problem) => problem.message).join('; ')}`,
      { fulfillmentOrderId: variables.id },
    );
  }
  return result?.fulfillmentOrder ?? null;
}
