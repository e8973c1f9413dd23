/**
 * Installing the app from a link: `GET /install/shopify?shop=<shop>.myshopify.com` sends the
 * merchant to Shopify to approve the scopes; Shopify sends them back to `/install/shopify/callback`
 * with a code, which becomes the shop's token pair, and the hub creates the connection (and, through
 * `onConnect`, the fulfillment service and webhooks).
 *
 * The callback is trusted only when all hold: Shopify's HMAC over the query (with its ±90 s
 * timestamp window, checked by the library), the `state` we issued (one-time, ten minutes, bound to
 * the shop) and the same state in a cookie of the browser that started (so a link cannot be
 * replayed into someone else's browser), and a valid `*.myshopify.com` domain.
 */
import { AuthScopes, InvalidHmacError } from '@shopify/shopify-api';
import {
  type InstallApi,
  type InstallRequest,
  type InstallResponse,
  type InstallRoute,
  signaturesEqual,
} from '../../src/sdk/index.ts';
import { REQUIRED_VARIABLES, scopesFor } from './app-config.ts';
import { type ShopifyMode, SUPPORTED_MODES } from './connection.ts';
import type { ShopifyDeps } from './deps.ts';
import { authorizeUrl, exchangeCode, TokenExchangeError } from './oauth.ts';

export const STATE_COOKIE = 'shopify_install_state';
const STATE_TTL_SECONDS = 600;
export const CALLBACK_PATH = '/install/shopify/callback';

export function installRoutes(deps: ShopifyDeps | null): InstallRoute[] {
  return [
    {
      method: 'GET',
      path: '',
      handler: async (request, hub) => (deps ? begin(deps, request, hub) : unconfigured()),
    },
    {
      method: 'GET',
      path: '/callback',
      handler: async (request, hub) => (deps ? callback(deps, request, hub) : unconfigured()),
    },
  ];
}

function unconfigured(): InstallResponse {
  return page(
    503,
    'Shopify is not configured',
    `The hub has no Shopify app yet: set ${REQUIRED_VARIABLES.join(' and ')} (the app's client id and secret from the Partner Dashboard) and restart.`,
  );
}

async function begin(deps: ShopifyDeps, request: InstallRequest, hub: InstallApi): Promise<InstallResponse> {
  const query = singleValues(request.query);
  const shop = validShop(deps, query.shop);
  if (!shop) {
    return page(
      400,
      'Which shop?',
      'Open this link with your shop’s address: /install/shopify?shop=your-shop.myshopify.com',
    );
  }
  // Shopify opens the app URL signed (from the admin or the App Store); a forged signature is refused.
  const signed = query.hmac !== undefined;
  if (signed && !(await validQueryHmac(deps, query))) {
    return page(
      400,
      'Invalid request',
      'The link is not signed by Shopify, or it is too old. Open the app again from your Shopify admin.',
    );
  }
  const mode = query.mode === undefined ? null : parseMode(query.mode);
  if (query.mode !== undefined && !mode) {
    return page(400, 'Unknown mode', `mode must be one of ${SUPPORTED_MODES.join(', ')}.`);
  }
  // Opening an installed app from the Shopify admin lands here too: it shows the connection and
  // does not authorize again, which would replace the connection's settings. Naming a mode does.
  const existing = await hub.findConnection(shop);
  if (existing?.status === 'active' && !mode) {
    return page(
      200,
      'Connected',
      `${shop} is connected to the fulfillment hub. There is nothing to do here.`,
    );
  }
  // A shop connected before (now uninstalled) keeps its mode and settings unless a mode is named.
  const chosen: ShopifyMode | null = mode ?? (existing ? null : 'fulfillment_service');
  const state = await hub.issueNonce({ shop, mode: chosen }, STATE_TTL_SECONDS);
  const appUrl = deps.config.appUrl ?? hub.hubUrl;
  return {
    status: 302,
    headers: {
      location: authorizeUrl(deps.config, {
        shop,
        scopes: scopesFor(deps.config, chosen),
        redirectUri: `${appUrl}${CALLBACK_PATH}`,
        state,
      }),
      'set-cookie': stateCookie(state, appUrl, STATE_TTL_SECONDS),
      'cache-control': 'no-store',
    },
  };
}

async function callback(
  deps: ShopifyDeps,
  request: InstallRequest,
  hub: InstallApi,
): Promise<InstallResponse> {
  const query = singleValues(request.query);
  const appUrl = deps.config.appUrl ?? hub.hubUrl;
  const shop = validShop(deps, query.shop);
  if (!shop || !query.code || !query.state) {
    return page(400, 'Invalid callback', 'The callback lacks the shop, code or state Shopify sends.');
  }
  if (!(await validQueryHmac(deps, query))) {
    hub.log.warn({ shop }, 'shopify install callback with a bad or stale HMAC');
    return page(
      400,
      'Invalid callback',
      'The callback is not signed by Shopify, or it is too old. Start the installation again.',
    );
  }
  const cookieState = cookies(request.headers.cookie)[STATE_COOKIE];
  if (!cookieState || !signaturesEqual(cookieState, query.state)) {
    return page(
      400,
      'Start again',
      'This installation was started in another browser, or it expired. Start again from the installation link.',
    );
  }
  const started = await hub.consumeNonce(query.state);
  if (!started || started.shop !== shop) {
    return page(
      400,
      'Start again',
      'This installation link was already used or has expired. Start again from the installation link.',
    );
  }
  const mode = parseMode(started.mode);

  let credentials: Awaited<ReturnType<typeof exchangeCode>>;
  try {
    credentials = await exchangeCode(deps.config, shop, query.code);
  } catch (error) {
    if (!(error instanceof TokenExchangeError)) throw error;
    hub.log.warn({ shop, status: error.status, err: error.message }, 'shopify token exchange failed');
    return page(
      502,
      'Shopify refused',
      'Shopify did not hand over the access token. Start the installation again.',
    );
  }
  const required = scopesFor(deps.config, mode);
  const granted = new AuthScopes(credentials.scope);
  if (!granted.has(required)) {
    const missing = required.filter((scope) => !granted.has(scope));
    return page(400, 'Missing permissions', `The app needs these permissions: ${missing.join(', ')}.`);
  }

  try {
    await hub.connect({
      externalAccount: shop,
      // Merged into what a re-installed connection had (the hub keeps the merchant's settings).
      settings: mode ? { mode } : {},
      credentials: { ...credentials },
      merchantName: shop,
    });
  } catch (error) {
    // A set-up that failed (fulfillment service, webhooks) stored nothing; a re-installed shop keeps
    // its previous configuration. The hub says why.
    hub.log.error({ shop, err: error }, 'shopify connection setup failed');
    return page(
      502,
      'Setup failed',
      `The shop was authorized but could not be set up: ${(error as Error).message}`,
      {
        'set-cookie': stateCookie('', appUrl, 0),
      },
    );
  }
  hub.log.info({ shop, mode }, 'shopify shop connected');
  return page(
    200,
    'Connected',
    `${shop} is connected to the fulfillment hub${mode === null ? '' : mode === 'fulfillment_service' ? ' as a fulfillment service' : ' at your own locations'}. You can close this window.`,
    { 'set-cookie': stateCookie('', appUrl, 0) },
  );
}

/** A `*.myshopify.com` domain as the library validates it (which also turns admin URLs into domains). */
function validShop(deps: ShopifyDeps, shop: string | undefined): string | null {
  if (!shop) return null;
  const clean = deps.library.utils.sanitizeShop(shop.trim().toLowerCase(), false);
  return clean?.endsWith('.myshopify.com') ? clean : null;
}

async function validQueryHmac(deps: ShopifyDeps, query: Record<string, string>): Promise<boolean> {
  try {
    return await deps.library.utils.validateHmac(query);
  } catch (error) {
    // No HMAC, no timestamp, or a timestamp outside ±90 s: not a callback we can trust.
    if (error instanceof InvalidHmacError) return false;
    throw error;
  }
}

function parseMode(value: unknown): ShopifyMode | null {
  return SUPPORTED_MODES.find((mode) => mode === value) ?? null;
}

/** Query values that came once; a repeated parameter is treated as absent (nothing Shopify sends). */
function singleValues(query: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(query).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

function stateCookie(value: string, appUrl: string, maxAge: number): string {
  const url = new URL(appUrl);
  const secure = url.protocol === 'https:' ? '; Secure' : '';
  // Scoped to the callback (behind any path prefix of the app URL). Lax: the cookie rides along
  // when Shopify redirects the browser back, a top-level GET from another site.
  const path = `${url.pathname.replace(/\/+$/, '')}${CALLBACK_PATH}`;
  return `${STATE_COOKIE}=${value}; Path=${path}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`;
}

export function cookies(header: string | undefined): Record<string, string> {
  const found: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) found[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return found;
}

function page(
  status: number,
  title: string,
  message: string,
  headers: Record<string, string> = {},
): InstallResponse {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: html,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
