// biome-ignore-all lint/suspicious/noExplicitAny: API answers are handled loosely here, as the other tests do.
/**
 * A change to an installed shop's connection through `POST /api/connections` that the shop refuses
 * (a token pasted by mistake) must leave the live connection exactly as it was, and a refused new
 * shop must leave no row behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureBytes, SHOP } from './helpers/fixtures.ts';
import { type ShopifyHub, startShopifyHub } from './helpers/shopify-hub.ts';

const wrongToken = {
  accessToken: 'shpat_pasted_by_mistake',
  scope: 'write_assigned_fulfillment_orders,write_fulfillments',
  expiresAt: null,
  refreshToken: null,
  refreshTokenExpiresAt: null,
};

describe('a refused change to a Shopify connection changes nothing', () => {
  let hub: ShopifyHub;
  beforeAll(async () => {
    hub = await startShopifyHub({ mode: 'fulfillment_service' });
  });
  afterAll(async () => hub?.stop());

  const connections = async () => (await hub.api<{ items: any[] }>('GET', '/api/connections')).body.items;

  it('keeps the installed shop as it was when the shop refuses the new token', async () => {
    const before = (await connections()).find((c) => c.id === hub.connectionId);
    expect(before).toMatchObject({ status: 'active', settings: { mode: 'fulfillment_service' } });
    const services = structuredClone(hub.shop.fulfillmentServices);
    const subscriptions = structuredClone(hub.shop.webhookSubscriptions);
    const token = (await hub.running.hub.connections.get(hub.connectionId))!.context.credentials.accessToken;

    const refused = await hub.api('POST', '/api/connections', {
      merchantId: hub.merchantId,
      connector: 'shopify',
      externalAccount: SHOP,
      settings: { mode: 'merchant_managed' },
      credentials: wrongToken,
    });
    expect(refused.status).toBe(422);
    expect((await connections()).find((c) => c.id === hub.connectionId)).toEqual(before);
    expect(refused.body.message).toContain('previous configuration stays active');
    hub.running.hub.connections.forget(hub.connectionId);
    const stored = (await hub.running.hub.connections.get(hub.connectionId))!;
    expect(stored.context.credentials.accessToken).toBe(token);
    expect(hub.shop.fulfillmentServices).toEqual(services);
    expect(hub.shop.webhookSubscriptions).toEqual(subscriptions);
    // Shopify's next fulfillment request still reaches the hub.
    const delivery = await hub.postWebhook(
      'fulfillment_orders/fulfillment_request_submitted',
      fixtureBytes('fulfillment_orders_fulfillment_request_submitted.json'),
      { route: 'connection' },
    );
    expect(delivery).toMatchObject({ status: 200, body: { outcome: 'accepted' } });
    expect(hub.shop.problems).toEqual([]);
  });

  it('stores nothing for a new shop whose set-up fails', async () => {
    const before = await connections();
    const refused = await hub.api('POST', '/api/connections', {
      merchantId: hub.merchantId,
      connector: 'shopify',
      externalAccount: 'unreachable-shop.myshopify.com',
      settings: {},
      credentials: wrongToken,
    });
    expect(refused.status).toBe(422);
    expect(await connections()).toEqual(before);
    expect(refused.body.message).toContain('Nothing was stored');
  });
});
