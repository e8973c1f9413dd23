/** The app's configuration from the environment, checked with ajv. */
import { describe, expect, it } from 'vitest';
import { MINIMUM_SCOPES, readShopifyAppConfig, ShopifyConfigError, scopesFor } from '../app-config.ts';

const base = { SHOPIFY_API_KEY: 'a1b2c3d4e5f6a7b8c9d0', SHOPIFY_API_SECRET: 'shpss_0123456789abcdef0123' };

describe('reading the app configuration', () => {
  it('is null when Shopify is not configured (the connector still registers)', () => {
    expect(readShopifyAppConfig({})).toBeNull();
    expect(readShopifyAppConfig({ SHOPIFY_API_KEY: '', SHOPIFY_API_SECRET: '' })).toBeNull();
  });

  it('applies the defaults: the pinned version, minimal scopes per mode, the hub’s URL, shop webhooks', () => {
    expect(readShopifyAppConfig(base)).toEqual({
      apiKey: base.SHOPIFY_API_KEY,
      apiSecret: base.SHOPIFY_API_SECRET,
      previousApiSecret: null,
      scopes: null,
      appUrl: null,
      apiVersion: '2026-07',
      webhookSubscriptions: 'shop',
    });
  });

  it('reads every variable', () => {
    const config = readShopifyAppConfig({
      ...base,
      SHOPIFY_API_SECRET_PREVIOUS: 'shpss_before_rotation_0001',
      SHOPIFY_SCOPES: 'read_orders, write_fulfillments ,write_inventory',
      SHOPIFY_APP_URL: 'https://hub.example.com/',
      SHOPIFY_API_VERSION: '2026-10',
      SHOPIFY_WEBHOOK_SUBSCRIPTIONS: 'app',
    });
    expect(config).toMatchObject({
      previousApiSecret: 'shpss_before_rotation_0001',
      scopes: ['read_orders', 'write_fulfillments', 'write_inventory'],
      appUrl: 'https://hub.example.com',
      apiVersion: '2026-10',
      webhookSubscriptions: 'app',
    });
    expect(scopesFor(config!, 'merchant_managed')).toEqual([
      'read_orders',
      'write_fulfillments',
      'write_inventory',
    ]);
    expect(scopesFor(readShopifyAppConfig(base)!, 'merchant_managed')).toEqual(
      MINIMUM_SCOPES.merchant_managed,
    );
  });

  it('names the variable that is missing or wrong', () => {
    expect(() => readShopifyAppConfig({ SHOPIFY_API_KEY: base.SHOPIFY_API_KEY })).toThrow(
      /SHOPIFY_API_SECRET/,
    );
    expect(() => readShopifyAppConfig({ SHOPIFY_API_SECRET: base.SHOPIFY_API_SECRET })).toThrow(
      /SHOPIFY_API_KEY/,
    );
    expect(() => readShopifyAppConfig({ ...base, SHOPIFY_APP_URL: 'hub.example.com' })).toThrow(
      /SHOPIFY_APP_URL/,
    );
    expect(() => readShopifyAppConfig({ ...base, SHOPIFY_API_VERSION: '2026-05' })).toThrow(
      /SHOPIFY_API_VERSION/,
    );
    expect(() => readShopifyAppConfig({ ...base, SHOPIFY_SCOPES: 'read orders' })).toThrow(
      ShopifyConfigError,
    );
  });
});
