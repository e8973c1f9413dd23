/** The WooCommerce storefront connector. */

export type {
  WooConnectorOptions,
  WooCredentials,
  WooSettings,
} from './connection.ts';
export { createWooCommerceConnector, type WooCommerceConnector } from './storefront-connector.ts';
