/**
 * The hub's ShipBob OAuth app (one per hub, registered in ShipBob's developer dashboard), read from
 * the environment once at start-up like the hub's own configuration. Without it the connector
 * still works with Personal Access Tokens; only the OAuth install route explains what is missing.
 */

export interface ShipBobAppConfig {
  clientId: string;
  clientSecret: string;
  /** Asked for at install; `offline_access` is always added (no refresh token without it). */
  scopes: string[];
}

/**
 * What the connector uses: orders (create, read, cancel), stock, webhooks, fulfillment centres
 * (the Receiving API's list) and channels. Scope names from ShipBob's channel listing and
 * authentication pages; `channels_read` only from third-party code, hence overridable.
 */
export const DEFAULT_SCOPES = [
  'orders_read',
  'orders_write',
  'inventory_read',
  'webhooks_read',
  'webhooks_write',
  'fulfillments_write',
  'receiving_read',
  'channels_read',
];

export class ShipBobConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShipBobConfigError';
  }
}

export const REQUIRED_VARIABLES = ['SHIPBOB_CLIENT_ID', 'SHIPBOB_CLIENT_SECRET'] as const;

/**
 * Null when neither variable is set; throws, naming the variable, when only one is set or a value
 * is malformed, so a typo stops the process instead of every install.
 */
export function readShipBobAppConfig(env: Record<string, string | undefined>): ShipBobAppConfig | null {
  const clientId = env.SHIPBOB_CLIENT_ID?.trim() || '';
  const clientSecret = env.SHIPBOB_CLIENT_SECRET?.trim() || '';
  if (!clientId && !clientSecret) return null;
  const missing = REQUIRED_VARIABLES.filter((name) => !env[name]?.trim());
  if (missing.length > 0) throw new ShipBobConfigError(`${missing.join(', ')}: required with the other`);
  if (!/^[A-Za-z0-9._-]{4,200}$/.test(clientId)) {
    throw new ShipBobConfigError('SHIPBOB_CLIENT_ID: letters, digits, dot, dash or underscore, 4 to 200');
  }
  if (clientSecret.length < 8 || /\s/.test(clientSecret)) {
    throw new ShipBobConfigError('SHIPBOB_CLIENT_SECRET: at least 8 characters, no spaces');
  }
  const listed = env.SHIPBOB_SCOPES?.trim();
  if (listed && !/^[a-z_]+([ ,]+[a-z_]+)*$/.test(listed)) {
    throw new ShipBobConfigError('SHIPBOB_SCOPES: scope names separated by spaces or commas');
  }
  const scopes = listed ? listed.split(/[ ,]+/) : DEFAULT_SCOPES;
  return { clientId, clientSecret, scopes: [...new Set([...scopes, 'offline_access'])] };
}
