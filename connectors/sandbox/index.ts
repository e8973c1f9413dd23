/** The sandbox: two connectors for the hub, and the two simulators they talk to. */

export { type CatalogItem, DEFAULT_CATALOG, defaultStock } from './demo-data.ts';
export { sandbox3pl } from './fulfillment-connector.ts';
export type { SandboxCredentials, SandboxSettings } from './sandbox-connection.ts';
export { sandboxStorefront } from './storefront-connector.ts';
export { createStorefrontSimulator } from './storefront-simulator.ts';
export type {
  OrderChanges,
  OrderOverrides,
  StorefrontFulfillment,
  StorefrontOrder,
  StorefrontSimulator,
  StorefrontSimulatorOptions,
} from './storefront-simulator-types.ts';
export { createThreePlSimulator } from './three-pl-simulator.ts';
export type {
  ThreePlOrder,
  ThreePlShipment,
  ThreePlSimulator,
  ThreePlSimulatorOptions,
} from './three-pl-simulator-types.ts';
export type { DeliveryAttempt, EventOutcome, SentEvent } from './webhook-sender.ts';
