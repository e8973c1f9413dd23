/**
 * Every GraphQL document the connector sends validates against the pinned Admin API (2026-07),
 * with no deprecated field, argument or mutation, and stays under Shopify's 1,000-point ceiling.
 */
import { describe, expect, it } from 'vitest';
import { ALL_OPERATIONS } from '../graphql/index.ts';
import { estimateQueryCost } from '../graphql/query-cost.ts';
import { documentProblems } from './helpers/admin-schema.ts';

describe('Admin GraphQL documents', () => {
  it('covers every operation the connector defines', () => {
    expect(ALL_OPERATIONS.map((operation) => operation.name).sort()).toEqual([
      'HubAcceptCancellationRequest',
      'HubAcceptFulfillmentRequest',
      'HubAssignedFulfillmentOrders',
      'HubFulfillmentCreate',
      'HubFulfillmentOrderLines',
      'HubFulfillmentService',
      'HubFulfillmentServiceCreate',
      'HubFulfillmentServiceUpdate',
      'HubFulfillmentTrackingInfoUpdate',
      'HubInventoryItemSku',
      'HubInventoryItemsBySku',
      'HubInventorySetQuantities',
      'HubOrderFulfillmentOrders',
      'HubOrderFulfillmentState',
      'HubOrderFulfillments',
      'HubOrdersUpdatedSince',
      'HubRejectCancellationRequest',
      'HubRejectFulfillmentRequest',
      'HubShopFulfillmentServices',
      'HubWebhookSubscriptionCreate',
      'HubWebhookSubscriptions',
    ]);
  });

  it.each(ALL_OPERATIONS.map((operation) => [operation.name, operation] as const))(
    '%s validates against 2026-07 without deprecated fields',
    (_name, operation) => {
      expect(documentProblems(operation.document)).toEqual([]);
    },
  );

  it.each(ALL_OPERATIONS.map((operation) => [operation.name, operation] as const))(
    '%s costs at most 1,000 points',
    (_name, operation) => {
      expect(operation.cost).toBeGreaterThan(0);
      expect(operation.cost).toBeLessThanOrEqual(1000);
    },
  );

  it('the check does catch a deprecated mutation and a field that does not exist', () => {
    const deprecated = `mutation Old($f: FulfillmentV2Input!) { fulfillmentCreateV2(fulfillment: $f) { fulfillment { id } } }`;
    expect(documentProblems(deprecated).join('\n')).toMatch(/fulfillmentCreateV2.*deprecated/);
    expect(
      documentProblems('query { shop { fulfillmentServices { id fulfillmentOrdersOptIn } } }').join('\n'),
    ).toMatch(/deprecated/);
    expect(documentProblems('query { order(id: "gid://shopify/Order/1") { nope } }')).not.toEqual([]);
  });

  it('inventorySetQuantities carries the @idempotent directive', () => {
    const write = ALL_OPERATIONS.find((operation) => operation.name === 'HubInventorySetQuantities');
    expect(write?.document).toMatch(/@idempotent\(key: \$idempotencyKey\)/);
  });

  it('estimates costs by Shopify’s rules', () => {
    expect(estimateQueryCost('query { shop { name } }')).toBe(1);
    expect(estimateQueryCost('mutation { a: shopUpdate(input: {}) { userErrors { message } } }')).toBe(10);
    // 2 + 10 items × (1 node + 1 nested object) + pageInfo once.
    expect(
      estimateQueryCost(
        'query { orders(first: 10) { nodes { id customer { id } } pageInfo { hasNextPage } } }',
      ),
    ).toBe(2 + 10 * 2 + 1);
  });

  it('reads page sizes given as variables, and costs a missing one at Shopify’s maximum', () => {
    const document =
      'query($n: Int!) { orders(first: $n) { nodes { id lineItems(first: 5) { nodes { id } } } } }';
    // Nested connections multiply: 2 + n × (1 node + 2 + 5 lines).
    expect(estimateQueryCost(document, { n: 3 })).toBe(2 + 3 * (1 + 2 + 5));
    expect(estimateQueryCost(document)).toBe(2 + 250 * (1 + 2 + 5));
  });

  it('an operation with variable page sizes is costed at its usual sizes, or at the sizes asked for', () => {
    const state = ALL_OPERATIONS.find((operation) => operation.name === 'HubOrderFulfillmentState');
    expect(state?.pageSizes).toEqual({ fulfillmentOrders: 5, lines: 50 });
    expect(state?.cost).toBe(state?.costOf({}));
    expect(state?.costOf({ fulfillmentOrders: 1 })).toBeLessThan((state?.cost ?? 0) / 4);
  });
});
