/**
 * The far side of the sandbox: a simulated storefront and a simulated 3PL, the platforms the
 * sandbox connectors in `connectors/sandbox` talk to. Not part of the hub; the demo and the tests
 * start them.
 */

export { type CatalogItem, DEFAULT_CATALOG, defaultStock } from './demo-data.ts';
export { createStorefrontSimulator } from './storefront-simulator.ts';
export type {
  OrderChanges,
  OrderOverrides,
  StorefrontFulfillment,
  StorefrontOrder,
  StorefrontSimulator,
  StorefrontSimulatorOptions,
} from './storefront-simulator-types.ts';
export {
  DEFAULT_LOCATION_ID,
  parseLocations,
  type ThreePlLocation,
  type ThreePlLocationOptions,
  twoLocations,
} from './three-pl-locations.ts';
export { createThreePlSimulator } from './three-pl-simulator.ts';
export type {
  ThreePlOrder,
  ThreePlShipment,
  ThreePlSimulator,
  ThreePlSimulatorOptions,
} from './three-pl-simulator-types.ts';
export type { DeliveryAttempt, EventOutcome, SentEvent } from './webhook-sender.ts';
