/**
 * The one `@shopify/shopify-api` instance of the app: token refresh, query-string HMACs, shop
 * domain validation and the Admin GraphQL client all come from it, configured once.
 */
// The Node adapter must be loaded before the library is used: it installs the fetch the library calls.
import '@shopify/shopify-api/adapters/node';
import { type ApiVersion, LogSeverity, type Shopify, shopifyApi } from '@shopify/shopify-api';
import type { ShopifyAppConfig } from './app-config.ts';

export type ShopifyLibrary = Shopify;

export function createShopifyLibrary(config: ShopifyAppConfig): ShopifyLibrary {
  const appUrl = new URL(config.appUrl ?? 'https://localhost');
  // Why the cast below: shopifyApi's return type is generic over its config's REST resources; we use
  // none of them, and the plain `Shopify` type is what the connector's modules are written against.
  return shopifyApi({
    apiKey: config.apiKey,
    apiSecretKey: config.apiSecret,
    scopes: config.scopes ?? [],
    // Used by flows we do not run here (the library's cookie-based OAuth); the install routes
    // build their redirect URL from the hub's public URL themselves.
    hostName: appUrl.host,
    hostScheme: appUrl.protocol === 'http:' ? 'http' : 'https',
    apiVersion: config.apiVersion as ApiVersion,
    isEmbeddedApp: false,
    // The connector reports failures through typed errors and the hub's logs; the library's own
    // log lines would duplicate them (and some carry shop data).
    logger: { level: LogSeverity.Error, httpRequests: false, timestamps: false, log: async () => {} },
  }) as unknown as ShopifyLibrary;
}
