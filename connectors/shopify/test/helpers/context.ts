/** A connection context in memory, as the hub would hand it to the connector, recording what it saves. */
import pino from 'pino';
import type { ShopifyContext, ShopifyCredentials, ShopifySettings } from '../../connection.ts';
import { SHOP } from './fixtures.ts';

export interface RecordingContext extends ShopifyContext {
  savedCredentials: ShopifyCredentials[];
}

export function validCredentials(overrides: Partial<ShopifyCredentials> = {}): ShopifyCredentials {
  return {
    accessToken: 'shpat_initial',
    scope: 'read_orders,write_fulfillments,write_assigned_fulfillment_orders,write_inventory,read_locations',
    expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    refreshToken: 'shprt_initial',
    refreshTokenExpiresAt: new Date(Date.now() + 90 * 86400_000).toISOString(),
    ...overrides,
  };
}

export function testContext(
  options: {
    shop?: string;
    settings?: Partial<ShopifySettings>;
    credentials?: ShopifyCredentials;
    state?: Record<string, unknown>;
  } = {},
): RecordingContext {
  const state: Record<string, unknown> = { ...(options.state ?? {}) };
  const context: RecordingContext = {
    connectionId: '00000000-0000-4000-8000-000000000001',
    merchantId: '00000000-0000-4000-8000-000000000002',
    externalAccount: options.shop ?? SHOP,
    settings: { mode: 'fulfillment_service', ...options.settings } as ShopifySettings,
    credentials: options.credentials ?? validCredentials(),
    state,
    savedCredentials: [],
    async saveState(patch) {
      Object.assign(state, structuredClone(patch));
    },
    async saveCredentials(credentials) {
      context.savedCredentials.push(credentials);
      context.credentials = credentials;
    },
    hubUrl: 'https://hub.example.com',
    webhookUrl: 'https://hub.example.com/webhooks/shopify/00000000-0000-4000-8000-000000000001',
    log: pino({ level: process.env.HUB_TEST_LOG_LEVEL ?? 'silent' }),
  };
  return context;
}
