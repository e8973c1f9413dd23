/** The ShipBob fulfillment connector. */

export { readShipBobAppConfig, type ShipBobAppConfig, ShipBobConfigError } from './app-config.ts';
export type { ShipBobCredentials, ShipBobSettings } from './connection.ts';
export type { FulfillmentLocation } from './map-location.ts';
export {
  createShipBobConnector,
  type ShipBobConnector,
  type ShipBobConnectorOptions,
} from './shipbob-connector.ts';
