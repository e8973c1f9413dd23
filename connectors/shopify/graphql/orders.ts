/** Reading orders: reconciliation pages through every order changed since a cursor. */

import { bool, defineOperation, list, object, type PageInfo, pageInfo } from './operation.ts';
import {
  type GraphqlLineItem,
  type GraphqlOrder,
  LINE_ITEM_FIELDS,
  lineItemSchema,
  ORDER_FIELDS,
  orderSchema,
} from './order-fields.ts';

export type PolledOrder = GraphqlOrder & {
  lineItems: { nodes: GraphqlLineItem[]; pageInfo: { hasNextPage: boolean } };
};

/**
 * Three orders of up to fifty lines a page (each line with its product and variant) keeps a page
 * under Shopify's 1,000-point ceiling with room to spare; oldest change first, so the cursor only
 * moves forward.
 */
export const ordersUpdatedSince = defineOperation<{
  orders: { nodes: PolledOrder[]; pageInfo: PageInfo };
}>(
  `query HubOrdersUpdatedSince($query: String!, $after: String) {
  orders(first: 3, after: $after, sortKey: UPDATED_AT, query: $query) {
    nodes {
      ...HubOrder
      lineItems(first: 50) { nodes { ...HubLineItem } pageInfo { hasNextPage } }
    }
    pageInfo { hasNextPage endCursor }
  }
}
${ORDER_FIELDS}
${LINE_ITEM_FIELDS}`,
  object({
    orders: object({
      nodes: list({
        allOf: [
          orderSchema,
          object({
            lineItems: object({ nodes: list(lineItemSchema), pageInfo: object({ hasNextPage: bool }) }),
          }),
        ],
      }),
      pageInfo,
    }),
  }),
);
