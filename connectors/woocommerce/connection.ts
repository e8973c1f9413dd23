/**
 * What a WooCommerce connection is configured with (settings, credentials), what the connector
 * remembers about it (`context.state`), and the options the connector itself is built with.
 */
import type { ConnectionContext, JsonSchema } from '../../src/sdk/index.ts';

export interface WooSettings {
  /** The normalized store URL (`https://host[/path]`), also the connection's external account. */
  storeUrl: string;
  /** Set the order to `completed` once every line has shipped (sends WooCommerce's email). */
  completeOnShip?: boolean;
  /** Without a tracking plugin, make the tracking note visible to (and emailed to) the customer. */
  trackingNoteToCustomer?: boolean;
  /** Development only: accept an `http://` store URL. */
  allowInsecureStoreUrl?: boolean;
}

export interface WooCredentials {
  consumerKey: string;
  consumerSecret: string;
  /** The secret our webhooks are signed with. We generate it; WooCommerce never returns it. */
  webhookSecret?: string;
}

export type WooContext = ConnectionContext<WooSettings, WooCredentials>;

export const settingsSchema: JsonSchema = {
  type: 'object',
  required: ['storeUrl'],
  // Closed on purpose: a misspelled setting is refused instead of silently ignored.
  additionalProperties: false,
  properties: {
    storeUrl: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 255 },
    completeOnShip: { type: 'boolean', default: true },
    trackingNoteToCustomer: { type: 'boolean', default: false },
    allowInsecureStoreUrl: { type: 'boolean', default: false },
  },
};

export const credentialsSchema: JsonSchema = {
  type: 'object',
  required: ['consumerKey', 'consumerSecret'],
  additionalProperties: false,
  properties: {
    // The prefixes catch keys pasted into the wrong field.
    consumerKey: { type: 'string', pattern: '^ck_[A-Za-z0-9]+$', maxLength: 128 },
    consumerSecret: { type: 'string', pattern: '^cs_[A-Za-z0-9]+$', maxLength: 128 },
    // Optional when keys are pasted by API: onConnect generates one.
    webhookSecret: { type: 'string', minLength: 32, maxLength: 128 },
  },
};

/** How the store's hostname resolves; injectable so tests need no DNS. */
export type ResolveHost = (hostname: string) => Promise<string[]>;

export interface WooConnectorOptions {
  /** Development only: let store URLs point at private, loopback or link-local addresses. */
  allowPrivateStoreUrls?: boolean;
  /** Shown on WooCommerce's key-granting screen and in our webhooks' names. */
  appName?: string;
  resolveHost?: ResolveHost;
  /** Per request; a batch gets three times as long. */
  timeoutMs?: number;
  /** Requests in flight to one store at a time, across all of the hub's work. */
  concurrencyPerStore?: number;
  /** Items per stock batch call (WooCommerce allows 100; hosts' PHP time limits prefer fewer). */
  stockBatchSize?: number;
  /** The wait before the one in-call retry, before jitter. */
  retryDelayMs?: number;
  now?: () => Date;
}

export interface ResolvedOptions {
  allowPrivateStoreUrls: boolean;
  appName: string;
  resolveHost: ResolveHost | null;
  timeoutMs: number;
  concurrencyPerStore: number;
  stockBatchSize: number;
  retryDelayMs: number;
  now: () => Date;
}

export function resolveOptions(options: WooConnectorOptions = {}): ResolvedOptions {
  return {
    allowPrivateStoreUrls: options.allowPrivateStoreUrls ?? false,
    appName: options.appName ?? 'Fulfillment hub',
    resolveHost: options.resolveHost ?? null,
    timeoutMs: options.timeoutMs ?? 20_000,
    concurrencyPerStore: options.concurrencyPerStore ?? 4,
    stockBatchSize: Math.min(100, Math.max(1, options.stockBatchSize ?? 50)),
    retryDelayMs: options.retryDelayMs ?? 250,
    now: options.now ?? (() => new Date()),
  };
}

export function completesOnShip(settings: WooSettings): boolean {
  return settings.completeOnShip !== false;
}
