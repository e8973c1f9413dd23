/**
 * The SDK's outbound contract for Shopify (merchant-managed: the hub writes fulfillments), against
 * the fake shop behind nock, which checks every document against the pinned Admin schema.
 */
import { afterEach, expect } from 'vitest';
import { describeStorefrontOutbound } from '../../../src/sdk/contract-kit.ts';
import { createShopifyConnector } from '../shopify-connector.ts';
import { testAppConfig } from './helpers/connector-deps.ts';
import { testContext } from './helpers/context.ts';
import { FakeShop } from './helpers/fake-shop.ts';
import { paidOrder, SHOP } from './helpers/fixtures.ts';
import { isolateShopify } from './helpers/isolation.ts';

isolateShopify();

const shopify = createShopifyConnector(testAppConfig());
let current: FakeShop | null = null;
afterEach(() => {
  // A mock the schema cannot shape fails the check that made it.
  expect(current?.problems ?? []).toEqual([]);
  current = null;
});

describeStorefrontOutbound(shopify, {
  remote() {
    const shop = new FakeShop(SHOP).start();
    current = shop;
    shop.tokens.add('shpat_initial');
    const location = shop.addLocation();
    let sequence = 0;
    return {
      context: testContext({
        settings: { mode: 'merchant_managed' },
        state: { connectedAt: '2026-11-20T00:00:00Z' },
      }),
      // The connector reads orders 3 to a page.
      severalPages: 7,
      trackingWrite() {
        const order = shop.addOrderFromWebhook(paidOrder(), { locationId: location });
        return {
          order: { sourceOrderId: '820982911946154508', sourceOrderName: order.name, sourceData: {} },
          shipment: {
            id: 'contract-shipment-1',
            lines: [{ sourceLineId: '487817672276298554', sku: 'X', quantity: 1 }],
            tracking: { carrier: 'UPS', number: '1Z999AA10123456784', url: null },
          },
        };
      },
      refuseNext(refusal) {
        if (refusal.kind === 'rate_limited') {
          shop.rateLimitNext = 1;
          shop.rateLimitRetryAfterSeconds = refusal.retryAfterSeconds;
        } else {
          shop.badRequestOf.add('HubFulfillmentCreate');
        }
      },
      addChanges(count) {
        const ids: string[] = [];
        for (let i = 0; i < count; i++) {
          const id = 5000 + sequence++;
          shop.addOrderFromWebhook(
            paidOrder(
              (order) => {
                order.admin_graphql_api_id = `gid://shopify/Order/${id}`;
                order.name = `#${id}`;
              },
              `2026-11-20T10:${String(i).padStart(2, '0')}:00Z`,
            ),
            { locationId: location },
          );
          ids.push(String(id));
        }
        return ids;
      },
      eventKey: (event) => (event.type === 'order.upserted' ? event.order.sourceOrderId : null),
    };
  },
});
