import type { LoadedConnection } from '../connection-store.ts';
import { isFulfillmentConnection } from './connection-role.ts';
import { type FulfillmentPort, fulfillmentPort } from './fulfillment-port.ts';
import type { PortDeps } from './port-call.ts';
import { type StorefrontPort, storefrontPort } from './storefront-port.ts';

/**
 * The port of a connection of either role, for work every connector does alike (reconciliation:
 * `checkHealth`, `pollSince`); the role is read from the manifest, as the role ports do.
 */
export function portOf(deps: PortDeps, loaded: LoadedConnection): FulfillmentPort | StorefrontPort {
  return isFulfillmentConnection(loaded) ? fulfillmentPort(deps, loaded) : storefrontPort(deps, loaded);
}
