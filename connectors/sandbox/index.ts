/** The sandbox connectors: a storefront and a 3PL for the simulated platforms in `sandbox/`. */

export { sandbox3pl } from './fulfillment-connector.ts';
export type { SandboxCredentials, SandboxSettings } from './sandbox-connection.ts';
export { sandboxStorefront } from './storefront-connector.ts';
