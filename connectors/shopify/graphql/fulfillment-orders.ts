/**
 * Fulfillment orders: the requests Shopify assigns to the hub's location (fulfillment-service
 * mode), the answers to them, and an order's fulfillment orders and fulfillments (to ship).
 * Longer than 300 lines: one Admin API resource, as `orders.ts` is another; each document sits
 * beside the type of its answer, and the tests check every one against the pinned schema.
 */
import type { JsonSchema } from '../../../src/sdk/index.ts';
import {
  bool,
  defineOperation,
  gid,
  int,
  list,
  nullable,
  object,
  type PageInfo,
  pageInfo,
  str,
  type UserError,
  userErrors,
} from './operation.ts';
import {
  type GraphqlLineItem,
  type GraphqlOrder,
  LINE_ITEM_FIELDS,
  lineItemSchema,
  ORDER_FIELDS,
  orderSchema,
} from './order-fields.ts';

export interface AssignedLineItem {
  id: string;
  remainingQuantity: number;
  totalQuantity: number;
  lineItem: GraphqlLineItem;
}

export interface AssignedFulfillmentOrder {
  id: string;
  status: string;
  requestStatus: string;
  updatedAt: string;
  assignedLocation: { location: { id: string } | null };
  merchantRequests: { nodes: { kind: string; message: string | null; sentAt: string }[] };
  lineItems: { nodes: AssignedLineItem[]; pageInfo: { hasNextPage: boolean } };
  order: GraphqlOrder;
}

const assignedLocation = object({ location: nullable(object({ id: gid('Location') })) });

/**
 * The fulfillment orders at our location waiting for an answer. Three a page: each carries its
 * order and up to fifty lines, and a page must stay under Shopify's 1,000-point ceiling.
 */
export const assignedFulfillmentOrders = defineOperation<{
  assignedFulfillmentOrders: { nodes: AssignedFulfillmentOrder[]; pageInfo: PageInfo };
}>(
  `query HubAssignedFulfillmentOrders(
  $status: FulfillmentOrderAssignmentStatus!
  $locationIds: [ID!]
  $after: String
) {
  assignedFulfillmentOrders(first: 3, after: $after, assignmentStatus: $status, locationIds: $locationIds) {
    nodes {
      id
      status
      requestStatus
      updatedAt
      assignedLocation { location { id } }
      merchantRequests(first: 1, reverse: true) { nodes { kind message sentAt } }
      lineItems(first: 50) {
        nodes { id remainingQuantity totalQuantity lineItem { ...HubLineItem } }
        pageInfo { hasNextPage }
      }
      order { ...HubOrder }
    }
    pageInfo { hasNextPage endCursor }
  }
}
${ORDER_FIELDS}
${LINE_ITEM_FIELDS}`,
  object({
    assignedFulfillmentOrders: object({
      nodes: list(
        object({
          id: gid('FulfillmentOrder'),
          status: str,
          requestStatus: str,
          updatedAt: str,
          assignedLocation,
          merchantRequests: object({
            nodes: list(object({ kind: str, message: nullable(str), sentAt: str })),
          }),
          lineItems: object({
            nodes: list(
              object({
                id: gid('FulfillmentOrderLineItem'),
                remainingQuantity: int,
                totalQuantity: int,
                lineItem: lineItemSchema,
              }),
            ),
            pageInfo: object({ hasNextPage: bool }),
          }),
          order: orderSchema,
        }),
      ),
      pageInfo,
    }),
  }),
);

export interface OrderFulfillmentOrderLine {
  id: string;
  remainingQuantity: number;
  lineItem: { id: string };
}

export interface OrderFulfillmentOrder {
  id: string;
  status: string;
  requestStatus: string;
  assignedLocation: { location: { id: string } | null };
  lineItems: { nodes: OrderFulfillmentOrderLine[] };
}

export interface OrderFulfillment {
  id: string;
  status: string;
  location: { id: string } | null;
  trackingInfo: { company: string | null; number: string | null; url: string | null }[];
}

/** What shipping an order needs: where its lines wait (fulfillment orders) and what already left. */
export interface OrderForFulfillment {
  id: string;
  fulfillmentOrders: { nodes: OrderFulfillmentOrder[] };
  fulfillments: OrderFulfillment[];
}

type LinePage = { nodes: OrderFulfillmentOrderLine[]; pageInfo: PageInfo };

const trackingInfoSchema = list(
  object({ company: nullable(str), number: nullable(str), url: nullable(str) }),
);
const linePageSchema = object({
  nodes: list(
    object({
      id: gid('FulfillmentOrderLineItem'),
      remainingQuantity: int,
      lineItem: object({ id: gid('LineItem') }),
    }),
  ),
  pageInfo,
});

/**
 * One page of an order's fulfillment orders, each with its first page of lines. The page sizes are
 * variables because the usual ones (five fulfillment orders of fifty lines: about 530 points) cost
 * more than some shops' whole bucket holds, and Shopify never runs such a query there; the reader
 * asks for smaller pages (`read-fulfillment-state.ts`).
 */
export const orderFulfillmentState = defineOperation<{
  order: {
    id: string;
    fulfillmentOrders: {
      nodes: (Omit<OrderFulfillmentOrder, 'lineItems'> & { lineItems: LinePage })[];
      pageInfo: PageInfo;
    };
  } | null;
}>(
  `query HubOrderFulfillmentState($id: ID!, $fulfillmentOrders: Int!, $lines: Int!, $after: String) {
  order(id: $id) {
    id
    fulfillmentOrders(first: $fulfillmentOrders, after: $after) {
      nodes {
        id
        status
        requestStatus
        assignedLocation { location { id } }
        lineItems(first: $lines) {
          nodes { id remainingQuantity lineItem { id } }
          pageInfo { hasNextPage endCursor }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}`,
  object({
    order: nullable(
      object({
        id: gid('Order'),
        fulfillmentOrders: object({
          nodes: list(
            object({
              id: gid('FulfillmentOrder'),
              status: str,
              requestStatus: str,
              assignedLocation,
              lineItems: linePageSchema,
            }),
          ),
          pageInfo,
        }),
      }),
    ),
  }),
  { fulfillmentOrders: 5, lines: 50 },
);

/** The further lines of one fulfillment order with more lines than a page held. */
export const fulfillmentOrderLines = defineOperation<{
  fulfillmentOrder: { id: string; lineItems: LinePage } | null;
}>(
  `query HubFulfillmentOrderLines($id: ID!, $lines: Int!, $after: String) {
  fulfillmentOrder(id: $id) {
    id
    lineItems(first: $lines, after: $after) {
      nodes { id remainingQuantity lineItem { id } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`,
  object({ fulfillmentOrder: nullable(object({ id: gid('FulfillmentOrder'), lineItems: linePageSchema })) }),
  { lines: 50 },
);

/**
 * The order's fulfillments with their tracking: how a write finds what an earlier attempt made.
 * Shopify gives them as a plain list, not a connection, so it cannot be paged: the first ten (or
 * fewer on a small bucket) are read, newest orders rarely having more.
 */
export const orderFulfillments = defineOperation<{
  order: { id: string; fulfillments: OrderFulfillment[] } | null;
}>(
  `query HubOrderFulfillments($id: ID!, $fulfillments: Int!) {
  order(id: $id) {
    id
    fulfillments(first: $fulfillments) { id status location { id } trackingInfo(first: 3) { company number url } }
  }
}`,
  object({
    order: nullable(
      object({
        id: gid('Order'),
        fulfillments: list(
          object({
            id: gid('Fulfillment'),
            status: str,
            location: nullable(object({ id: gid('Location') })),
            trackingInfo: trackingInfoSchema,
          }),
        ),
      }),
    ),
  }),
  { fulfillments: 10 },
);

export interface FulfillmentOrderState {
  id: string;
  status: string;
  requestStatus: string;
  assignedLocation: { location: { id: string } | null };
}

/** Only where an order's fulfillment orders stand: enough to answer requests, and cheap. */
export const orderFulfillmentOrders = defineOperation<{
  order: { id: string; fulfillmentOrders: { nodes: FulfillmentOrderState[] } } | null;
}>(
  `query HubOrderFulfillmentOrders($id: ID!) {
  order(id: $id) {
    id
    fulfillmentOrders(first: 20) { nodes { id status requestStatus assignedLocation { location { id } } } }
  }
}`,
  object({
    order: nullable(
      object({
        id: gid('Order'),
        fulfillmentOrders: object({
          nodes: list(
            object({ id: gid('FulfillmentOrder'), status: str, requestStatus: str, assignedLocation }),
          ),
        }),
      }),
    ),
  }),
);

export type FulfillmentOrderAnswer = {
  fulfillmentOrder: { id: string; status: string; requestStatus: string } | null;
  userErrors: UserError[];
};

const answerSchema = (field: string): JsonSchema =>
  object({
    [field]: nullable(
      object({
        fulfillmentOrder: nullable(object({ id: gid('FulfillmentOrder'), status: str, requestStatus: str })),
        userErrors,
      }),
    ),
  });

export const acceptFulfillmentRequest = defineOperation<{
  fulfillmentOrderAcceptFulfillmentRequest: FulfillmentOrderAnswer | null;
}>(
  `mutation HubAcceptFulfillmentRequest($id: ID!, $message: String) {
  fulfillmentOrderAcceptFulfillmentRequest(id: $id, message: $message) {
    fulfillmentOrder { id status requestStatus }
    userErrors { field message }
  }
}`,
  answerSchema('fulfillmentOrderAcceptFulfillmentRequest'),
);

export const rejectFulfillmentRequest = defineOperation<{
  fulfillmentOrderRejectFulfillmentRequest: FulfillmentOrderAnswer | null;
}>(
  `mutation HubRejectFulfillmentRequest($id: ID!, $reason: FulfillmentOrderRejectionReason, $message: String) {
  fulfillmentOrderRejectFulfillmentRequest(id: $id, reason: $reason, message: $message) {
    fulfillmentOrder { id status requestStatus }
    userErrors { field message }
  }
}`,
  answerSchema('fulfillmentOrderRejectFulfillmentRequest'),
);

export const acceptCancellationRequest = defineOperation<{
  fulfillmentOrderAcceptCancellationRequest: FulfillmentOrderAnswer | null;
}>(
  `mutation HubAcceptCancellationRequest($id: ID!, $message: String) {
  fulfillmentOrderAcceptCancellationRequest(id: $id, message: $message) {
    fulfillmentOrder { id status requestStatus }
    userErrors { field message }
  }
}`,
  answerSchema('fulfillmentOrderAcceptCancellationRequest'),
);

export const rejectCancellationRequest = defineOperation<{
  fulfillmentOrderRejectCancellationRequest: FulfillmentOrderAnswer | null;
}>(
  `mutation HubRejectCancellationRequest($id: ID!, $message: String) {
  fulfillmentOrderRejectCancellationRequest(id: $id, message: $message) {
    fulfillmentOrder { id status requestStatus }
    userErrors { field message }
  }
}`,
  answerSchema('fulfillmentOrderRejectCancellationRequest'),
);
