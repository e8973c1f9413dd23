import type { Connector, FulfillmentConnector, StorefrontConnector } from '../../sdk/contracts.ts';
import { NeedsHumanError } from '../../sdk/errors.ts';
import type { LoadedConnection } from '../connection-store.ts';

/**
 * The one place a connector's role is narrowed: by its manifest, which is what the registry holds,
 * never by a cast at a call site.
 */
export type Role = Connector['manifest']['role'];

export type FulfillmentConnection = LoadedConnection & { connector: FulfillmentConnector };
export type StorefrontConnection = LoadedConnection & { connector: StorefrontConnector };

export function isFulfillmentConnection(connection: LoadedConnection): connection is FulfillmentConnection {
  return connection.connector.manifest.role === 'fulfillment';
}

export function isStorefrontConnection(connection: LoadedConnection): connection is StorefrontConnection {
  return connection.connector.manifest.role === 'storefront';
}

/**
 * A connection used in a role its connector does not have: a 3PL slot pointing at a storefront
 * (a merchant's default 3PL set to the shop), or the reverse. Retrying cannot help; a person must
 * point the order or merchant at the right connection.
 */
export class ConnectionRoleError extends NeedsHumanError {
  constructor(connection: LoadedConnection, expected: Role) {
    const actual = connection.connector.manifest.role;
    super(
      'connection_role_mismatch',
      `connection ${connection.row.id} (${connection.row.connector}) is a ${actual} connection, not a ${expected} one`,
      { connectionId: connection.row.id, connector: connection.row.connector, expected, actual },
    );
    this.name = 'ConnectionRoleError';
  }
}
