/**
 * What a Shopify connection is: its settings (chosen by the merchant), its credentials (the
 * offline token pair), and the facts the connector keeps about the shop in `context.state`.
 */
import type { ConnectionContext, JsonSchema } from '../../src/sdk/index.ts';

export const SUPPORTED_MODES = ['fulfillment_service', 'merchant_managed'] as const;
/**
 * `fulfillment_service`: the hub registers its own location in the shop; Shopify asks it to fulfil
 * what is assigned there, and it accepts or rejects. `merchant_managed`: orders stay at the
 * merchant's locations and the hub fulfils them there when the 3PL ships.
 */
export type ShopifyMode = (typeof SUPPORTED_MODES)[number];

export interface ShopifySettings {
  /** Absent means `fulfillment_service`. */
  mode?: ShopifyMode;
  /** Merchant-managed: the locations (GIDs) whose fulfillment orders the hub fulfils; empty = any. */
  locationIds?: string[];
  /** Merchant-managed: the location (GID) whose stock follows the 3PL; unset = stock is not published. */
  stockLocationId?: string;
  /** Whether Shopify emails the customer when a fulfillment is created (default true). */
  notifyCustomer?: boolean;
  /** Fulfillment-service mode: the service's (and its location's) name in the shop. */
  fulfillmentServiceName?: string;
}

/** The offline token pair; stored sealed, replaced as a whole on every refresh. */
export interface ShopifyCredentials {
  accessToken: string;
  scope: string;
  /** ISO time the access token expires; null for a non-expiring token (custom apps). */
  expiresAt: string | null;
  refreshToken: string | null;
  refreshTokenExpiresAt: string | null;
}

export type ShopifyContext = ConnectionContext<ShopifySettings, ShopifyCredentials>;

const gid = (type: string) => ({ type: 'string', pattern: `^gid://shopify/${type}/\\d+$` }) as const;

export const settingsSchema: JsonSchema = {
  type: 'object',
  // Closed on purpose: a misspelled setting should be refused, not silently ignored.
  additionalProperties: false,
  properties: {
    // No defaults here: the hub would write them into every re-install's settings and override
    // the merchant's choices; the code reads an absent value as its default.
    mode: { type: 'string', enum: [...SUPPORTED_MODES] },
    locationIds: { type: 'array', items: gid('Location'), uniqueItems: true },
    stockLocationId: gid('Location'),
    notifyCustomer: { type: 'boolean' },
    fulfillmentServiceName: { type: 'string', minLength: 1, maxLength: 60 },
  },
};

export const credentialsSchema: JsonSchema = {
  type: 'object',
  required: ['accessToken', 'scope', 'expiresAt', 'refreshToken', 'refreshTokenExpiresAt'],
  additionalProperties: false,
  properties: {
    accessToken: { type: 'string', minLength: 1 },
    scope: { type: 'string' },
    expiresAt: { type: ['string', 'null'], format: 'date-time' },
    refreshToken: { type: ['string', 'null'], minLength: 1 },
    refreshTokenExpiresAt: { type: ['string', 'null'], format: 'date-time' },
  },
};

export function modeOf(context: Pick<ShopifyContext, 'settings'>): ShopifyMode {
  return context.settings.mode === 'merchant_managed' ? 'merchant_managed' : 'fulfillment_service';
}

export const DEFAULT_SERVICE_NAME = 'Fulfillment Hub';

/** What the connector remembers about the shop (`context.state`), read defensively. */
export interface ShopifyState {
  /** When the connection was first set up: where the first reconciliation starts. */
  connectedAt?: string;
  fulfillmentServiceId?: string;
  /** The fulfillment service's location: where requests arrive and stock is published. */
  locationId?: string;
  /** Shop-specific webhook subscriptions by topic (GraphQL enum name) → subscription GID. */
  webhookSubscriptions?: Record<string, string>;
  /**
   * Per SKU: its inventory item and the `available` quantity we last saw at the stock location
   * (read, written or reported by a webhook); the `changeFromQuantity` of our next write.
   */
  inventory?: Record<string, { itemId: string; available: number | null }>;
  /** The location `inventory` describes. */
  inventoryLocationId?: string;
}

export function readState(context: Pick<ShopifyContext, 'state'>): ShopifyState {
  const state = context.state as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);
  const record = (value: unknown) =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  const subscriptions = record(state.webhookSubscriptions);
  const inventory = record(state.inventory);
  return {
    connectedAt: text(state.connectedAt),
    fulfillmentServiceId: text(state.fulfillmentServiceId),
    locationId: text(state.locationId),
    inventoryLocationId: text(state.inventoryLocationId),
    webhookSubscriptions: subscriptions
      ? (Object.fromEntries(
          Object.entries(subscriptions).filter(([, id]) => typeof id === 'string'),
        ) as Record<string, string>)
      : undefined,
    inventory: inventory
      ? Object.fromEntries(
          Object.entries(inventory).flatMap(([sku, entry]) => {
            const item = record(entry);
            if (!item || typeof item.itemId !== 'string') return [];
            const available = typeof item.available === 'number' ? item.available : null;
            return [[sku, { itemId: item.itemId, available }]];
          }),
        )
      : undefined,
  };
}

/** The location whose stock follows the 3PL: the service's own, or the one the merchant named. */
export function stockLocationOf(context: Pick<ShopifyContext, 'settings' | 'state'>): string | null {
  if (modeOf(context) === 'fulfillment_service') return readState(context).locationId ?? null;
  return context.settings.stockLocationId ?? null;
}
