/**
 * Connecting a store through WooCommerce's own key-granting screen (`/wc-auth/v1/authorize`):
 *
 * 1. `GET /install/woocommerce?store=https://…` checks the store URL and sends the merchant to the
 *    store's authorize page, with a one-time state as `user_id` (WooCommerce echoes it back);
 * 2. the merchant logs in and approves; WooCommerce creates the keys and posts them, unsigned, to
 *    `POST /install/woocommerce/callback`. Only our one-time state ties that post to a request we
 *    made, and the keys are tried against the store the state names before anything is saved;
 * 3. WooCommerce sends the merchant's browser to `GET /install/woocommerce/return`.
 *
 * The callback must answer exactly 200, or WooCommerce deletes the keys and shows the merchant an
 * error, and it is made from inside the store's own request: a store with a single PHP worker could
 * not serve our calls until we answer. So it answers once the connection is made or after two
 * seconds, whichever is first, and the connection is finished in the background; anything that
 * fails afterwards is repaired by the health check or shown on the return page.
 */
import { randomBytes } from 'node:crypto';
import {
  type InstallApi,
  type InstallRequest,
  type InstallResponse,
  type InstallRoute,
  NeedsHumanError,
} from '../../src/sdk/index.ts';
import { unexpectedResponse } from './api-errors.ts';
import type { ResolvedOptions, WooSettings } from './connection.ts';
import { normalizeStoreUrl, validateStoreUrl } from './store-url.ts';
import { createWooClient } from './woo-client.ts';
import { type WooAuthCallback, wooAuthCallback } from './woo-payloads.ts';

const STATE_TTL_SECONDS = 60 * 60;
/** How long the callback waits for the connection before answering anyway. */
export const CALLBACK_ANSWER_WITHIN_MS = 2_000;

/** The secret our webhooks are signed with: alphanumeric, so WooCommerce's entity decoding cannot alter it. */
export function generateWebhookSecret(): string {
  return randomBytes(24).toString('hex');
}

export function installRoutes(options: ResolvedOptions, connectorName = 'woocommerce'): InstallRoute[] {
  // Development mode (private addresses allowed) also admits http:// stores; production never does.
  const policy = {
    allowInsecure: options.allowPrivateStoreUrls,
    allowPrivate: options.allowPrivateStoreUrls,
  };
  const base = (hub: InstallApi) => `${hub.hubUrl}/install/${connectorName}`;

  return [
    {
      method: 'GET',
      path: '',
      async handler(request, hub) {
        const raw = request.query.store;
        if (!raw)
          return page(
            400,
            'Which store?',
            'Add <code>?store=https://your-store.example</code> to the address.',
          );
        let storeUrl: string;
        try {
          storeUrl = await validateStoreUrl(raw, policy, options.resolveHost);
        } catch (error) {
          if (error instanceof NeedsHumanError)
            return page(400, 'This store cannot be connected', escapeHtml(error.message));
          throw error;
        }
        const state = await hub.issueNonce({ storeUrl }, STATE_TTL_SECONDS);
        const authorize = new URL(`${storeUrl}/wc-auth/v1/authorize`);
        authorize.searchParams.set('app_name', options.appName);
        authorize.searchParams.set('scope', 'read_write');
        authorize.searchParams.set('user_id', state);
        authorize.searchParams.set('return_url', `${base(hub)}/return?store=${encodeURIComponent(storeUrl)}`);
        // WooCommerce refuses a callback that is not https; a development hub on http gets its error page.
        authorize.searchParams.set('callback_url', `${base(hub)}/callback`);
        if (!hub.hubUrl.startsWith('https://'))
          hub.log.warn({ hubUrl: hub.hubUrl }, 'wc-auth needs an https callback URL');
        return { status: 302, headers: { location: authorize.toString(), 'cache-control': 'no-store' } };
      },
    },
    {
      method: 'POST',
      path: '/callback',
      async handler(request, hub) {
        const keys = readCallback(request);
        if (!keys)
          return { status: 400, body: { error: 'invalid_callback', message: 'not a wc-auth callback body' } };
        if (keys.key_permissions !== 'read_write') {
          return {
            status: 400,
            body: { error: 'insufficient_permissions', message: 'the hub needs read_write keys' },
          };
        }
        const state = await hub.consumeNonce(String(keys.user_id));
        if (typeof state?.storeUrl !== 'string') {
          // Unknown, used or expired: a non-200 makes WooCommerce delete the keys it just made.
          return {
            status: 400,
            body: { error: 'unknown_state', message: 'this authorization was not started here, or expired' },
          };
        }
        const storeUrl = state.storeUrl;
        const connecting = connectStore(hub, options, storeUrl, keys, policy.allowInsecure);
        connecting.catch((error: unknown) =>
          hub.log.error({ err: error, storeUrl }, 'connecting a WooCommerce store after wc-auth failed'),
        );
        const outcome = await settledWithin(connecting, CALLBACK_ANSWER_WITHIN_MS);
        if (outcome instanceof NeedsHumanError) {
          return { status: 400, body: { error: outcome.code, message: outcome.message } };
        }
        if (outcome instanceof Error)
          return { status: 500, body: { error: 'connect_failed', message: 'connecting the store failed' } };
        return { status: 200, body: { ok: true } };
      },
    },
    {
      method: 'GET',
      path: '/return',
      async handler(request, hub) {
        if (request.query.success !== '1') {
          return page(200, 'Not connected', 'The store did not grant access, so nothing was changed on it.');
        }
        let storeUrl: string | null = null;
        try {
          storeUrl = request.query.store ? normalizeStoreUrl(request.query.store, policy) : null;
        } catch {
          storeUrl = null;
        }
        const connection = storeUrl ? await hub.findConnection(storeUrl) : null;
        if (connection?.status === 'active') {
          return page(
            200,
            'Store connected',
            `${escapeHtml(storeUrl ?? '')} is connected. The hub has added its webhooks to the store and will take paid orders from now on.`,
          );
        }
        return page(
          200,
          'Almost there',
          'The store granted access; the hub is finishing the connection. Reload this page in a moment.',
        );
      },
    },
  ];
}

function readCallback(request: InstallRequest): WooAuthCallback | null {
  try {
    const body: unknown = JSON.parse(request.rawBody.toString('utf8'));
    return wooAuthCallback.matches(body) ? body : null;
  } catch {
    return null;
  }
}

/**
 * Tries the keys on the store the state names (the callback is unsigned: keys for another store,
 * or made up, must not replace a working connection's), then creates or updates the connection,
 * which runs onConnect.
 */
async function connectStore(
  hub: InstallApi,
  options: ResolvedOptions,
  storeUrl: string,
  keys: WooAuthCallback,
  insecure: boolean,
): Promise<void> {
  const client = createWooClient({
    storeUrl,
    consumerKey: keys.consumer_key,
    consumerSecret: keys.consumer_secret,
    authMode: 'basic',
    timeoutMs: options.timeoutMs,
    retryDelayMs: options.retryDelayMs,
    concurrency: options.concurrencyPerStore,
    guardAddresses: !options.allowPrivateStoreUrls,
    resolveHost: options.resolveHost,
  });
  const probe = await client.request({
    method: 'GET',
    path: 'orders',
    query: { per_page: 1, _fields: 'id' },
  });
  if (probe.status !== 200) throw unexpectedResponse('GET wc/v3/orders', probe, 'credentials_rejected');
  const settings: WooSettings = {
    storeUrl,
    ...(insecure && storeUrl.startsWith('http:') ? { allowInsecureStoreUrl: true } : {}),
  };
  await hub.connect({
    externalAccount: storeUrl,
    settings: { ...settings },
    credentials: {
      consumerKey: keys.consumer_key,
      consumerSecret: keys.consumer_secret,
      webhookSecret: generateWebhookSecret(),
    },
    merchantName: new URL(storeUrl).hostname,
  });
}

/** The promise's error, 'done', or 'pending' when it takes longer than `ms`. */
async function settledWithin(promise: Promise<void>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<'pending'>((resolve) => {
    timer = setTimeout(() => resolve('pending'), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => 'done',
        (error: unknown) => error,
      ),
      pending,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function page(status: number, title: string, html: string): InstallResponse {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${html}</p></body></html>`,
  };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
