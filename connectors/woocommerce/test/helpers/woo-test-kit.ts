/** Shared by the WooCommerce connector's tests: fixtures, a connection context, signing, a connector. */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import type { WooConnectorOptions, WooContext, WooCredentials, WooSettings } from '../../connection.ts';
import { createWooCommerceConnector } from '../../index.ts';

export const STORE = 'https://shop.example.com';
/** What the test store's hostname "resolves" to: a public address, so the SSRF guard lets it pass. */
export const PUBLIC_ADDRESS = '93.184.215.14';
export const CONNECTION_ID = '6f1c1b0e-5d6a-4a59-9c1e-0b7a8d3f2e41';
export const WEBHOOK_URL = `https://hub.example.com/webhooks/woocommerce/${CONNECTION_ID}`;
export const WEBHOOK_SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718';
export const KEYS = {
  consumerKey: 'ck_0123456789abcdef0123456789abcdef01234567',
  consumerSecret: 'cs_fedcba9876543210fedcba9876543210fedcba98',
};

export function fixtureText(name: string): string {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
}

// biome-ignore lint/suspicious/noExplicitAny: tests read fixtures loosely and change them freely.
export function fixtureJson(name: string): any {
  return JSON.parse(fixtureText(name));
}

/** A fixture order changed for one test; the fixture itself stays as it is. */
// biome-ignore lint/suspicious/noExplicitAny: as above.
export function orderWith(changes: Record<string, unknown>, base = 'order.rest-v3.with-skus.json'): any {
  return { ...fixtureJson(base), ...changes };
}

/** What PHP's `wp_json_encode` (default flags) makes of a value: `/` and non-ASCII escaped, one line. */
export function phpJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function sign(body: string | Buffer, secret = WEBHOOK_SECRET): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/** A delivery as WooCommerce sends it: signed raw bytes and its X-WC headers. */
export function delivery(topic: string, body: string, extra: Record<string, string> = {}) {
  return {
    headers: {
      'content-type': 'application/json',
      'x-wc-webhook-topic': topic,
      'x-wc-webhook-resource': topic.split('.')[0],
      'x-wc-webhook-event': topic.split('.')[1],
      'x-wc-webhook-signature': sign(body),
      'x-wc-webhook-id': '142',
      'x-wc-webhook-delivery-id': '36e520ebabc2fa725092ff4a47acedf2',
      'x-wc-webhook-source': `${STORE}/`,
      ...extra,
    } as Record<string, string | undefined>,
    rawBody: Buffer.from(body),
  };
}

export const silentLog = pino({ level: 'silent' });

export interface FakeContext extends WooContext {
  /** Every patch passed to saveState, in order. */
  patches: Record<string, unknown>[];
  savedCredentials: WooCredentials[];
}

/** A connection context like the hub's, in memory: saveState merges at the top level. */
export function fakeContext(
  overrides: {
    settings?: Partial<WooSettings>;
    credentials?: Partial<WooCredentials>;
    state?: Record<string, unknown>;
  } = {},
): FakeContext {
  const state: Record<string, unknown> = { ...overrides.state };
  const context: FakeContext = {
    connectionId: CONNECTION_ID,
    merchantId: '0d4c2f8e-1111-4a59-9c1e-0b7a8d3f2e41',
    externalAccount: STORE,
    settings: { storeUrl: STORE, completeOnShip: true, ...overrides.settings },
    credentials: { ...KEYS, webhookSecret: WEBHOOK_SECRET, ...overrides.credentials },
    state,
    patches: [],
    savedCredentials: [],
    async saveState(patch) {
      context.patches.push(patch);
      Object.assign(state, patch);
    },
    async saveCredentials(credentials) {
      context.savedCredentials.push(credentials);
      context.credentials = credentials;
    },
    hubUrl: 'https://hub.example.com',
    webhookUrl: WEBHOOK_URL,
    log: silentLog,
  };
  return context;
}

export const NOW = new Date('2026-05-04T10:00:00.000Z');

/** The connector as the tests use it: the store's name "resolves" publicly, retries are quick. */
export function testConnector(options: WooConnectorOptions = {}) {
  return createWooCommerceConnector({
    resolveHost: async () => [PUBLIC_ADDRESS],
    retryDelayMs: 1,
    timeoutMs: 2_000,
    now: () => NOW,
    ...options,
  });
}
