/** What the connector's parts share once the app is configured. */
import type { AdminCall } from './admin-client.ts';
import type { ShopifyAppConfig } from './app-config.ts';
import type { ShopifyLibrary } from './shopify-library.ts';

export interface ShopifyDeps {
  config: ShopifyAppConfig;
  library: ShopifyLibrary;
  admin: AdminCall;
}
