/**
 * A shipment left the warehouse: fulfil its lines in Shopify with the carrier and tracking number,
 * so Shopify emails the customer. One fulfillment per location the lines wait at (a split shipment
 * is several writes, each its own fulfillment); later tracking changes update the same ones.
 *
 * `fulfillmentCreate` has no idempotency key, so the tracking number is ours: before creating, the
 * order's fulfillments are read, and a location that already has one with this number is not
 * fulfilled again. A retry after a lost answer therefore finds what the first attempt made.
 */
import { NeedsHumanError, type OrderRef, RetryableError, type Tracking } from '../../src/sdk/index.ts';
import { trackingInputFor } from './carriers.ts';
import { modeOf, readState, type ShopifyContext } from './connection.ts';
import type { ShopifyDeps } from './deps.ts';
import { acceptRequests } from './fulfillment-requests.ts';
import type { OrderForFulfillment, OrderFulfillmentOrder } from './graphql/fulfillment-orders.ts';
import { fulfillmentCreate, fulfillmentTrackingInfoUpdate } from './graphql/fulfillments.ts';
import { gidFor } from './payload-validation.ts';
import { planFulfillments } from './plan-fulfillments.ts';
import { CONTINUATION_WAIT_MS, readFulfillmentState } from './read-fulfillment-state.ts';

/** Fulfillment states that no longer count: a cancelled or failed one does not block a new one. */
const VOID_FULFILLMENT = new Set(['CANCELLED', 'ERROR', 'FAILURE']);
const FULFILLABLE = new Set(['OPEN', 'IN_PROGRESS']);
const UNKNOWN_LOCATION = '?';
/**
 * Request states in which the hub holds the work: accepted, and still so while the merchant asks
 * to cancel or after the hub refused (shipping it settles the request).
 */
const ACCEPTED_REQUEST = new Set(['ACCEPTED', 'CANCELLATION_REQUESTED', 'CANCELLATION_REJECTED']);

export interface WriteTrackingInput {
  order: OrderRef;
  shipment: {
    id: string;
    lines: { sourceLineId: string; sku: string; quantity: number }[];
    tracking: Tracking;
  };
  previousExternalId: string | null;
}

export async function writeShopifyTracking(
  deps: ShopifyDeps,
  context: ShopifyContext,
  input: WriteTrackingInput,
): Promise<{ externalId: string }> {
  const trackingInfo = trackingInputFor(input.shipment.tracking);
  const notifyCustomer = context.settings.notifyCustomer ?? true;
  if (input.previousExternalId) {
    // Written before: the tracking changed (a relabel). Same fulfillments, new tracking.
    for (const fulfillmentId of input.previousExternalId.split(',')) {
      const data = await deps.admin(context, fulfillmentTrackingInfoUpdate, {
        fulfillmentId,
        trackingInfoInput: trackingInfo,
        notifyCustomer,
      });
      const problems = data.fulfillmentTrackingInfoUpdate?.userErrors ?? [];
      if (problems.length > 0) {
        throw new NeedsHumanError(
          'tracking_rejected',
          problems.map((problem) => problem.message).join('; '),
          {
            fulfillmentId,
            shipmentId: input.shipment.id,
          },
        );
      }
    }
    return { externalId: input.previousExternalId };
  }

  const order = await readOrder(deps, context, input.order);
  if (modeOf(context) === 'fulfillment_service') {
    // The shipment left before Shopify heard the hub accept (the answer failed or is queued):
    // accept now, since a fulfillment order cannot be fulfilled before it is accepted.
    await acceptRequests(deps, context, unansweredRequests(context, order));
  }

  const written = new Map<string, string[]>(); // location → fulfillments already carrying this number
  for (const fulfillment of order.fulfillments) {
    if (VOID_FULFILLMENT.has(fulfillment.status)) continue;
    if (!fulfillment.trackingInfo.some((info) => info.number === input.shipment.tracking.number)) continue;
    const location = fulfillment.location?.id ?? UNKNOWN_LOCATION;
    written.set(location, [...(written.get(location) ?? []), fulfillment.id]);
  }

  const plan = planFulfillments(
    order.fulfillmentOrders.nodes,
    input.shipment.lines.map(({ sourceLineId, quantity }) => ({ sourceLineId, quantity })),
    (fulfillmentOrder) => isOurs(context, fulfillmentOrder),
  );
  const ids = [...written.values()].flat();
  // A matching fulfillment whose location Shopify did not name could be any group's: no risk taken.
  if (written.has(UNKNOWN_LOCATION)) return { externalId: ids.join(',') };
  for (const group of plan.groups) {
    if (written.has(group.locationId)) continue;
    // After the read, so it may wait for the bucket rather than give the job back and read again.
    const data = await deps.admin(
      context,
      fulfillmentCreate,
      {
        fulfillment: {
          lineItemsByFulfillmentOrder: group.lineItemsByFulfillmentOrder,
          notifyCustomer,
          trackingInfo,
        },
      },
      { maxWaitMs: CONTINUATION_WAIT_MS },
    );
    const created = data.fulfillmentCreate?.fulfillment;
    const problems = data.fulfillmentCreate?.userErrors ?? [];
    if (!created || problems.length > 0) {
      // Usually a race (another shipment of the order took the same lines, the merchant moved
      // them): the retry re-reads the order and plans again.
      throw new RetryableError(
        'fulfillment_rejected',
        `fulfillmentCreate refused: ${problems.map((problem) => problem.message).join('; ') || 'no fulfillment returned'}`,
        { shipmentId: input.shipment.id, locationId: group.locationId },
      );
    }
    ids.push(created.id);
  }
  if (ids.length === 0) {
    throw new NeedsHumanError(
      'nothing_to_fulfill',
      `no open fulfillment order of ${input.order.sourceOrderName} holds the shipped lines`,
      { shipmentId: input.shipment.id, unallocated: plan.unallocated },
    );
  }
  if (plan.unallocated.length > 0) {
    context.log.warn(
      { shipmentId: input.shipment.id, unallocated: plan.unallocated },
      'part of the shipment had no open fulfillment order line in Shopify',
    );
  }
  return { externalId: ids.join(',') };
}

async function readOrder(
  deps: ShopifyDeps,
  context: ShopifyContext,
  order: OrderRef,
): Promise<OrderForFulfillment> {
  const found = await readFulfillmentState(deps, context, gidFor('Order', order.sourceOrderId));
  if (!found) {
    throw new NeedsHumanError('order_not_found', `Shopify has no order ${order.sourceOrderName}`, {
      sourceOrderId: order.sourceOrderId,
    });
  }
  return found;
}

/**
 * Fulfillment-service mode: only what Shopify assigned to the hub's location and the hub accepted.
 * Merchant-managed: open fulfillment orders at the merchant's locations (all, or the ones named).
 */
function isOurs(context: ShopifyContext, fulfillmentOrder: OrderFulfillmentOrder): boolean {
  if (!FULFILLABLE.has(fulfillmentOrder.status)) return false;
  const location = fulfillmentOrder.assignedLocation.location?.id;
  if (modeOf(context) === 'fulfillment_service') {
    return location === readState(context).locationId && ACCEPTED_REQUEST.has(fulfillmentOrder.requestStatus);
  }
  const allowed = context.settings.locationIds ?? [];
  return (
    fulfillmentOrder.requestStatus === 'UNSUBMITTED' &&
    location !== undefined &&
    (allowed.length === 0 || allowed.includes(location))
  );
}

function unansweredRequests(context: ShopifyContext, order: OrderForFulfillment): OrderFulfillmentOrder[] {
  const { locationId } = readState(context);
  return order.fulfillmentOrders.nodes.filter(
    (fulfillmentOrder) =>
      fulfillmentOrder.assignedLocation.location?.id === locationId &&
      fulfillmentOrder.requestStatus === 'SUBMITTED',
  );
}
