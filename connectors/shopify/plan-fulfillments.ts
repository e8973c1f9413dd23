/**
 * Which fulfillment-order lines a shipment covers, grouped by location: one `fulfillmentCreate`
 * may span several fulfillment orders of one order, but only at one location. Pure.
 */
import type { OrderFulfillmentOrder } from './graphql/fulfillment-orders.ts';
import { legacyIdOf } from './payload-validation.ts';

export interface FulfillmentGroup {
  locationId: string;
  lineItemsByFulfillmentOrder: {
    fulfillmentOrderId: string;
    fulfillmentOrderLineItems: { id: string; quantity: number }[];
  }[];
}

export interface FulfillmentPlan {
  groups: FulfillmentGroup[];
  /** Shipment quantities no open fulfillment-order line could take (already fulfilled, or elsewhere). */
  unallocated: { sourceLineId: string; quantity: number }[];
}

/**
 * @param shipmentLines what left the warehouse, by Shopify line item id
 * @param eligible the fulfillment orders the hub may fulfil (its location, the right state)
 */
export function planFulfillments(
  fulfillmentOrders: OrderFulfillmentOrder[],
  shipmentLines: { sourceLineId: string; quantity: number }[],
  eligible: (fulfillmentOrder: OrderFulfillmentOrder) => boolean,
): FulfillmentPlan {
  const open = fulfillmentOrders.filter((fulfillmentOrder) => eligible(fulfillmentOrder));
  // Remaining capacity per fulfillment-order line, used up as shipment lines are placed.
  const remaining = new Map<string, number>();
  for (const fulfillmentOrder of open) {
    for (const line of fulfillmentOrder.lineItems.nodes) remaining.set(line.id, line.remainingQuantity);
  }
  const allocated = new Map<string, Map<string, number>>(); // fulfillment order → its line → quantity
  const unallocated: FulfillmentPlan['unallocated'] = [];
  for (const shipmentLine of shipmentLines) {
    let left = shipmentLine.quantity;
    for (const fulfillmentOrder of open) {
      for (const line of fulfillmentOrder.lineItems.nodes) {
        if (left === 0) break;
        if (legacyIdOf(line.lineItem.id) !== shipmentLine.sourceLineId) continue;
        const take = Math.min(left, remaining.get(line.id) ?? 0);
        if (take === 0) continue;
        remaining.set(line.id, (remaining.get(line.id) ?? 0) - take);
        const lines = allocated.get(fulfillmentOrder.id) ?? new Map<string, number>();
        lines.set(line.id, (lines.get(line.id) ?? 0) + take);
        allocated.set(fulfillmentOrder.id, lines);
        left -= take;
      }
    }
    if (left > 0) unallocated.push({ sourceLineId: shipmentLine.sourceLineId, quantity: left });
  }
  const groups = new Map<string, FulfillmentGroup>();
  for (const fulfillmentOrder of open) {
    const lines = allocated.get(fulfillmentOrder.id);
    const locationId = fulfillmentOrder.assignedLocation.location?.id;
    if (!lines || !locationId) continue;
    const group = groups.get(locationId) ?? { locationId, lineItemsByFulfillmentOrder: [] };
    group.lineItemsByFulfillmentOrder.push({
      fulfillmentOrderId: fulfillmentOrder.id,
      fulfillmentOrderLineItems: [...lines].map(([id, quantity]) => ({ id, quantity })),
    });
    groups.set(locationId, group);
  }
  return { groups: [...groups.values()], unallocated };
}
