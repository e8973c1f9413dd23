/** The connector's parts wired for a test app configuration. */
import { createAdminCall } from '../../admin-client.ts';
import type { ShopifyAppConfig } from '../../app-config.ts';
import type { ShopifyDeps } from '../../deps.ts';
import { createShopifyLibrary } from '../../shopify-library.ts';
import { API_KEY, API_SECRET } from './fixtures.ts';

export function testAppConfig(overrides: Partial<ShopifyAppConfig> = {}): ShopifyAppConfig {
  return {
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    previousApiSecret: null,
    scopes: null,
    appUrl: 'https://hub.example.com',
    apiVersion: '2026-07',
    webhookSubscriptions: 'shop',
    ...overrides,
  };
}

export function testDeps(overrides: Partial<ShopifyAppConfig> = {}): ShopifyDeps {
  const config = testAppConfig(overrides);
  const library = createShopifyLibrary(config);
  return { config, library, admin: createAdminCall(library) };
}
