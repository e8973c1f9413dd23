/**
 * Every connector the hub knows, in one explicit list. Add yours here. Connectors that need app
 * credentials (Shopify) read them from the environment; a malformed value stops the hub with a
 * message naming the variable, an absent one leaves the connector registered but not installable.
 */
import { ConfigError } from '../src/config.ts';
import type { Connector } from '../src/sdk/index.ts';
import { sandbox3pl, sandboxStorefront } from './sandbox/index.ts';
import { createShipBobConnector, readShipBobAppConfig, ShipBobConfigError } from './shipbob/index.ts';
import { createShopifyConnector, readShopifyAppConfig, ShopifyConfigError } from './shopify/index.ts';
import { createWooCommerceConnector } from './woocommerce/index.ts';

export function createConnectors(env: Record<string, string | undefined> = process.env): Connector[] {
  let shopify: ReturnType<typeof readShopifyAppConfig>;
  try {
    shopify = readShopifyAppConfig(env);
  } catch (error) {
    if (error instanceof ShopifyConfigError) throw new ConfigError(error.message);
    throw error;
  }
  let shipbob: ReturnType<typeof readShipBobAppConfig>;
  try {
    shipbob = readShipBobAppConfig(env);
  } catch (error) {
    if (error instanceof ShipBobConfigError) throw new ConfigError(error.message);
    throw error;
  }
  return [
    sandboxStorefront,
    sandbox3pl,
    createShopifyConnector(shopify),
    createWooCommerceConnector(),
    createShipBobConnector({ app: shipbob }),
  ];
}
