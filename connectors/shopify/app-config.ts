/**
 * The Shopify app itself (one per hub, shared by every shop that installs it), read from the
 * environment and checked once at start-up, the way the hub reads its own configuration.
 */
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { ShopifyMode } from './connection.ts';

export interface ShopifyAppConfig {
  /** The app's client id (Partner/Dev Dashboard → the app → Client credentials). */
  apiKey: string;
  /** The app's client secret: signs webhooks and OAuth callbacks, and authenticates token requests. */
  apiSecret: string;
  /**
   * The secret before a rotation: Shopify may keep signing with it for up to an hour, so it is
   * accepted for webhooks until it is removed from the environment.
   */
  previousApiSecret: string | null;
  /** Scopes asked for at install; null means the minimum for the mode the merchant chose. */
  scopes: string[] | null;
  /** Where Shopify sends the merchant back (`<appUrl>/install/shopify/callback`); null: the hub's URL. */
  appUrl: string | null;
  /** The pinned Admin API version every call and webhook uses. */
  apiVersion: string;
  /**
   * Who subscribes the shop's webhooks: `shop` (default) registers them per shop over the Admin
   * API when a shop connects; `app` leaves it to `shopify.app.toml` (app-specific subscriptions,
   * deployed with the Shopify CLI). Never both: each would deliver every event once.
   */
  webhookSubscriptions: 'shop' | 'app';
}

/** The version the connector's GraphQL documents are written and tested against. */
export const PINNED_API_VERSION = '2026-07';

/**
 * The least each mode needs (write scopes imply their read scope). `read_locations` is needed to
 * read any Location field, including the id of the fulfillment service's own location.
 */
export const MINIMUM_SCOPES: Record<ShopifyMode, string[]> = {
  fulfillment_service: [
    'read_orders',
    'write_fulfillments',
    'write_assigned_fulfillment_orders',
    'write_inventory',
    'read_locations',
  ],
  merchant_managed: [
    'read_orders',
    'write_merchant_managed_fulfillment_orders',
    'write_inventory',
    'read_locations',
  ],
};

const ENV_SCHEMA = {
  type: 'object',
  properties: {
    SHOPIFY_API_KEY: { type: 'string', pattern: '^[A-Za-z0-9]{16,64}$' },
    SHOPIFY_API_SECRET: { type: 'string', minLength: 16 },
    SHOPIFY_API_SECRET_PREVIOUS: { type: 'string', minLength: 16 },
    SHOPIFY_SCOPES: { type: 'string', pattern: '^\\s*[a-z_]+(\\s*,\\s*[a-z_]+)*\\s*$' },
    SHOPIFY_APP_URL: { type: 'string', format: 'uri', pattern: '^https?://[^/?#]+(/[^?#]*)?$' },
    SHOPIFY_API_VERSION: { type: 'string', pattern: '^(\\d{4}-(01|04|07|10)|unstable)$' },
    SHOPIFY_WEBHOOK_SUBSCRIPTIONS: { type: 'string', enum: ['shop', 'app'] },
  },
} as const;

const ajv = new Ajv({ allErrors: true });
addFormats.default(ajv, ['uri']);
const validateEnv = ajv.compile(ENV_SCHEMA);

export class ShopifyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShopifyConfigError';
  }
}

/** The variables without which the app cannot be installed; named in the 503 the install route answers. */
export const REQUIRED_VARIABLES = ['SHOPIFY_API_KEY', 'SHOPIFY_API_SECRET'] as const;

/**
 * Reads the app's configuration. Returns null when neither the key nor the secret is set (the hub
 * runs without Shopify; the connector still registers and explains itself); throws, naming the
 * variable, when something is set but wrong, so a typo stops the process instead of every install.
 */
export function readShopifyAppConfig(env: Record<string, string | undefined>): ShopifyAppConfig | null {
  const present = Object.fromEntries(
    Object.keys(ENV_SCHEMA.properties)
      .filter((name) => env[name] !== undefined && env[name] !== '')
      .map((name) => [name, env[name]]),
  ) as Partial<Record<keyof typeof ENV_SCHEMA.properties, string>>;
  if (!present.SHOPIFY_API_KEY && !present.SHOPIFY_API_SECRET) return null;
  const missing = REQUIRED_VARIABLES.filter((name) => !present[name]);
  if (missing.length > 0) throw new ShopifyConfigError(`${missing.join(', ')}: required with the other`);
  if (!validateEnv(present)) {
    const problems = (validateEnv.errors ?? []).map(
      (error) => `${error.instancePath.replace(/^\//, '')}: ${error.message ?? 'invalid'}`,
    );
    throw new ShopifyConfigError(`invalid Shopify configuration: ${problems.join('; ')}`);
  }
  const apiVersion = present.SHOPIFY_API_VERSION ?? PINNED_API_VERSION;
  return {
    apiKey: present.SHOPIFY_API_KEY as string,
    apiSecret: present.SHOPIFY_API_SECRET as string,
    previousApiSecret: present.SHOPIFY_API_SECRET_PREVIOUS ?? null,
    scopes: present.SHOPIFY_SCOPES
      ? present.SHOPIFY_SCOPES.split(',')
          .map((scope) => scope.trim())
          .filter(Boolean)
      : null,
    appUrl: present.SHOPIFY_APP_URL ? present.SHOPIFY_APP_URL.replace(/\/+$/, '') : null,
    apiVersion,
    webhookSubscriptions: (present.SHOPIFY_WEBHOOK_SUBSCRIPTIONS as 'shop' | 'app' | undefined) ?? 'shop',
  };
}

/**
 * What an install asks for: the configured scopes, or the minimum of the mode. Null is a
 * re-install that keeps the mode the connection already has, which the install flow cannot see:
 * it asks for what either mode needs.
 */
export function scopesFor(config: ShopifyAppConfig, mode: ShopifyMode | null): string[] {
  if (config.scopes) return config.scopes;
  if (mode) return MINIMUM_SCOPES[mode];
  return [...new Set([...MINIMUM_SCOPES.fulfillment_service, ...MINIMUM_SCOPES.merchant_managed])];
}
