/**
 * What a connection sets up in the shop on connect (fulfillment service, webhooks), idempotently,
 * and what the health check repairs.
 */
import { describe, expect, it } from 'vitest';
import { createShopifyConnector } from '../shopify-connector.ts';
import { testAppConfig } from './helpers/connector-deps.ts';
import { testContext } from './helpers/context.ts';
import { FakeShop } from './helpers/fake-shop.ts';
import { SHOP } from './helpers/fixtures.ts';
import { isolateShopify } from './helpers/isolation.ts';

isolateShopify();

function setUp(config = testAppConfig()) {
  const shop = new FakeShop(SHOP).start();
  shop.tokens.add('shpat_initial');
  return { shop, connector: createShopifyConnector(config) };
}

describe('connecting a shop', () => {
  it('registers the fulfillment service with the hub’s callback URL and subscribes the mode’s topics, once', async () => {
    const { shop, connector } = setUp();
    const context = testContext();
    await connector.onConnect?.(context);
    expect(shop.fulfillmentServices).toEqual([
      {
        id: expect.any(String),
        serviceName: 'Fulfillment Hub',
        callbackUrl: context.webhookUrl,
        location: { id: expect.any(String) },
      },
    ]);
    expect(context.state).toMatchObject({
      fulfillmentServiceId: shop.fulfillmentServices[0]?.id,
      locationId: shop.fulfillmentServices[0]?.location?.id,
      connectedAt: expect.any(String),
    });
    expect(shop.webhookSubscriptions.map((subscription) => subscription.topic).sort()).toEqual([
      'APP_UNINSTALLED',
      'FULFILLMENT_ORDERS_CANCELLATION_REQUEST_SUBMITTED',
      'FULFILLMENT_ORDERS_FULFILLMENT_REQUEST_SUBMITTED',
      'INVENTORY_LEVELS_UPDATE',
      'ORDERS_CANCELLED',
    ]);
    expect(new Set(shop.webhookSubscriptions.map((subscription) => subscription.uri))).toEqual(
      new Set([context.webhookUrl]),
    );

    await connector.onConnect?.(context); // a re-install, or a retried setup
    expect(shop.fulfillmentServices).toHaveLength(1);
    expect(shop.webhookSubscriptions).toHaveLength(5);
    expect(shop.problems).toEqual([]);
  });

  it('finds the service a lost answer created instead of creating a second', async () => {
    const { shop, connector } = setUp();
    shop.loseAnswerOf.add('HubFulfillmentServiceCreate');
    const context = testContext();
    await expect(connector.onConnect?.(context)).rejects.toMatchObject({ code: 'shopify_unavailable' });
    await connector.onConnect?.(context);
    expect(shop.fulfillmentServices).toHaveLength(1);
    expect(context.state.locationId).toBe(shop.fulfillmentServices[0]?.location?.id);
  });

  it('merchant-managed: no fulfillment service; order topics; stock topic only with a stock location', async () => {
    const { shop, connector } = setUp();
    await connector.onConnect?.(testContext({ settings: { mode: 'merchant_managed' } }));
    expect(shop.fulfillmentServices).toEqual([]);
    expect(shop.webhookSubscriptions.map((subscription) => subscription.topic).sort()).toEqual([
      'APP_UNINSTALLED',
      'ORDERS_CANCELLED',
      'ORDERS_CREATE',
      'ORDERS_UPDATED',
    ]);
    await connector.onConnect?.(
      testContext({ settings: { mode: 'merchant_managed', stockLocationId: 'gid://shopify/Location/1' } }),
    );
    expect(shop.webhookSubscriptions.map((subscription) => subscription.topic)).toContain(
      'INVENTORY_LEVELS_UPDATE',
    );
  });

  it('subscribes nothing per shop when shopify.app.toml declares the subscriptions for the app', async () => {
    const { shop, connector } = setUp(testAppConfig({ webhookSubscriptions: 'app' }));
    await connector.onConnect?.(testContext());
    expect(shop.callsOf('webhookSubscriptionCreate')).toEqual([]);
    expect(shop.callsOf('webhookSubscriptions')).toEqual([]);
  });
});

describe('the health check', () => {
  it('puts back a deleted subscription and asks for a catch-up poll', async () => {
    const { shop, connector } = setUp();
    const context = testContext();
    await connector.onConnect?.(context);
    const topics = shop.webhookSubscriptions.map((subscription) => subscription.topic);
    // The token pair's ends, for the connection's health.
    const token = {
      expiresAt: context.credentials.expiresAt,
      refreshExpiresAt: context.credentials.refreshTokenExpiresAt,
    };
    expect(await connector.checkHealth?.(context)).toEqual({
      healthy: true,
      repaired: [],
      catchUp: false,
      webhooks: topics.map((topic) => ({ topic, status: 'active' })),
      token,
    });
    // Shopify deletes an Admin API subscription after 8 failed deliveries in a row.
    shop.webhookSubscriptions.splice(
      shop.webhookSubscriptions.findIndex((subscription) => subscription.topic === 'ORDERS_CANCELLED'),
      1,
    );
    const health = await connector.checkHealth?.(context);
    expect(health).toEqual({
      healthy: false,
      repaired: ['webhook:ORDERS_CANCELLED'],
      catchUp: true,
      webhooks: expect.arrayContaining([
        { topic: 'ORDERS_CANCELLED', status: 'active', repaired: 'created' },
      ]),
      token,
    });
    expect(health?.webhooks).toHaveLength(5);
    expect(shop.webhookSubscriptions).toHaveLength(5);
  });

  it('reports no webhooks of its own when the app declares them (shopify.app.toml)', async () => {
    const { connector } = setUp(testAppConfig({ webhookSubscriptions: 'app' }));
    const context = testContext();
    await connector.onConnect?.(context);
    const health = await connector.checkHealth?.(context);
    expect(health?.webhooks).toBeUndefined();
    expect(health?.token?.expiresAt).toBe(context.credentials.expiresAt);
  });

  it('points the fulfillment service at the hub’s new address after a move', async () => {
    const { shop, connector } = setUp();
    const context = testContext();
    await connector.onConnect?.(context);
    const moved = {
      ...context,
      webhookUrl: 'https://new-hub.example.com/webhooks/shopify/00000000-0000-4000-8000-000000000001',
    };
    const health = await connector.checkHealth?.(moved);
    expect(health?.repaired).toContain('fulfillment_service_callback');
    expect(shop.fulfillmentServices[0]?.callbackUrl).toBe(moved.webhookUrl);
  });
});
