/**
 * The Shopify storefront connector. Register it with the app's configuration from the environment:
 *
 *   import { createShopifyConnector, readShopifyAppConfig } from './shopify/index.ts';
 *   const shopify = createShopifyConnector(readShopifyAppConfig(process.env));
 */
export {
  MINIMUM_SCOPES,
  PINNED_API_VERSION,
  readShopifyAppConfig,
  type ShopifyAppConfig,
  ShopifyConfigError,
} from './app-config.ts';
export type { ShopifyCredentials, ShopifyMode, ShopifySettings } from './connection.ts';
export { createShopifyConnector, type ShopifyConnector } from './shopify-connector.ts';
