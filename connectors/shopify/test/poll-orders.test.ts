/** Reconciliation: what changed since the cursor, found whether or not a webhook told us. */
import { describe, expect, it } from 'vitest';
import { pollShopify } from '../poll-orders.ts';
import { testDeps } from './helpers/connector-deps.ts';
import { testContext } from './helpers/context.ts';
import { FakeShop } from './helpers/fake-shop.ts';
import { paidOrder, SHOP } from './helpers/fixtures.ts';
import { isolateShopify } from './helpers/isolation.ts';

isolateShopify();

function shopWithOrders(count: number, change: (order: any, index: number) => void = () => {}) {
  const shop = new FakeShop(SHOP).start();
  shop.tokens.add('shpat_initial');
  const location = shop.addLocation();
  for (let index = 0; index < count; index++) {
    shop.addOrderFromWebhook(
      paidOrder(
        (order) => {
          order.admin_graphql_api_id = `gid://shopify/Order/${5000 + index}`;
          order.name = `#${5000 + index}`;
          change(order, index);
        },
        `2026-11-20T10:${String(index).padStart(2, '0')}:00Z`,
      ),
      { locationId: location },
    );
  }
  return { shop, location };
}

describe('polling orders', () => {
  it('reports every order changed since the cursor, page by page, and moves the cursor to the newest', async () => {
    const { shop } = shopWithOrders(12);
    const context = testContext({ settings: { mode: 'merchant_managed' } });
    const result = await pollShopify(testDeps(), context, '2026-11-20T10:02:00Z');
    expect(
      result.events.map((event) =>
        event.type === 'order.upserted' ? event.order.sourceOrderName : event.type,
      ),
    ).toEqual(Array.from({ length: 10 }, (_, index) => `#${5002 + index}`));
    expect(result.events[0]).toMatchObject({
      type: 'order.upserted',
      order: { sourceOrderId: '5002', readyToFulfill: true },
    });
    expect(result.nextCursor).toBe('2026-11-20T10:11:00.000Z');
    expect(shop.callsOf('orders').map((call) => call.variables)).toEqual([
      { query: "updated_at:>='2026-11-20T10:02:00Z'", after: null },
      { query: "updated_at:>='2026-11-20T10:02:00Z'", after: '3' },
      { query: "updated_at:>='2026-11-20T10:02:00Z'", after: '6' },
      { query: "updated_at:>='2026-11-20T10:02:00Z'", after: '9' },
    ]);
    expect(shop.problems).toEqual([]);
  });

  it('starts a new connection’s first poll when it connected, and keeps the cursor when nothing changed', async () => {
    shopWithOrders(2);
    const context = testContext({
      settings: { mode: 'merchant_managed' },
      state: { connectedAt: '2026-11-20T10:01:00Z' },
    });
    const first = await pollShopify(testDeps(), context, null);
    expect(first.events).toHaveLength(1);
    const later = await pollShopify(testDeps(), context, '2026-11-21T00:00:00Z');
    expect(later).toEqual({ events: [], nextCursor: null });
  });

  it('as a fulfillment service: the requests waiting at its location, and cancellations from the order list', async () => {
    const { shop, location } = shopWithOrders(3, (order, index) => {
      if (index === 1) order.cancelled_at = '2026-11-20T10:01:00Z';
    });
    const requested = shop.addOrderFromWebhook(
      paidOrder((order) => (order.admin_graphql_api_id = 'gid://shopify/Order/777')),
      { locationId: location, requestStatus: 'SUBMITTED' },
    );
    const context = testContext({ state: { locationId: location } });
    const result = await pollShopify(testDeps(), context, '2026-11-20T09:00:00Z');
    expect(result.events).toEqual([
      { type: 'order.cancelled', sourceOrderId: '5001', sourceUpdatedAt: '2026-11-20T10:01:00.000Z' },
      expect.objectContaining({
        type: 'order.upserted',
        order: expect.objectContaining({
          sourceOrderId: '777',
          readyToFulfill: true,
          sourceData: { fulfillmentOrderIds: [requested.fulfillmentOrders.nodes[0]?.id] },
        }),
      }),
    ]);
    expect(shop.callsOf('orders')[0]?.variables.query).toBe(
      "updated_at:>='2026-11-20T09:00:00Z' AND status:cancelled",
    );
  });
});
