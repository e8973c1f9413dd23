import { storeLocations } from '../apply/store-locations.ts';
import type { LoadedConnection } from '../connection-store.ts';
import { isFulfillmentConnection } from '../ports/connection-role.ts';
import { callThroughPort, type PortDeps } from '../ports/port-call.ts';

/**
 * Asks a 3PL connection for its locations (the contract's optional `listLocations`) and stores
 * them. Called when the connection is saved and on each reconciliation. Returns how many were
 * stored, or null when the connection is not a 3PL's or its connector cannot list locations.
 */
export async function syncLocations(deps: PortDeps, loaded: LoadedConnection): Promise<number | null> {
  if (!isFulfillmentConnection(loaded)) return null;
  const { connector, context } = loaded;
  const list = connector.listLocations?.bind(connector);
  if (!list) return null;
  // Through the port's queue and call log, like every other call to the 3PL.
  const locations = await callThroughPort(deps, loaded, 'listLocations', {}, () => list(context));
  return storeLocations(deps.db, loaded.row, locations);
}
