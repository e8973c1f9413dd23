/**
 * Expiring offline tokens (required of public apps created since 2026-04-01) live 60 minutes.
 * The token is refreshed a few minutes before it expires, by one caller per shop at a time: every
 * refresh returns a new refresh token, and the pair is stored as a whole before it is used.
 */
import {
  HttpRequestError,
  HttpResponseError,
  HttpRetriableError,
  HttpThrottlingError,
} from '@shopify/shopify-api';
import { NeedsHumanError, RetryableError } from '../../src/sdk/index.ts';
import type { ShopifyContext, ShopifyCredentials } from './connection.ts';
import type { ShopifyLibrary } from './shopify-library.ts';

/** Refresh when the token has less than this left, so no call starts with a token about to die. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

// One refresh per shop at a time, and the newest pair seen: a job still holding the context it
// loaded before another job refreshed must not use (or refresh again with) the old pair.
const inFlight = new Map<string, Promise<ShopifyCredentials>>();
const newest = new Map<string, ShopifyCredentials>();

function expiry(credentials: ShopifyCredentials): number {
  return credentials.expiresAt ? Date.parse(credentials.expiresAt) : Number.POSITIVE_INFINITY;
}

function fresher(a: ShopifyCredentials, b: ShopifyCredentials | undefined): ShopifyCredentials {
  if (!b) return a;
  if (a.accessToken === b.accessToken) return a;
  return expiry(b) > expiry(a) ? b : a;
}

/** The newest token pair known for the shop: this context's, or one another job refreshed since. */
export function currentCredentials(context: ShopifyContext): ShopifyCredentials {
  return fresher(context.credentials, newest.get(context.externalAccount));
}

export function needsRefresh(credentials: ShopifyCredentials, now = Date.now()): boolean {
  return credentials.expiresAt !== null && expiry(credentials) - now < REFRESH_MARGIN_MS;
}

/** A token that is good for at least the margin, refreshing first when it is not. */
export async function usableCredentials(
  context: ShopifyContext,
  library: ShopifyLibrary,
): Promise<ShopifyCredentials> {
  const known = fresher(context.credentials, newest.get(context.externalAccount));
  if (!needsRefresh(known)) return known;
  return refreshCredentials(context, library, known);
}

/**
 * Exchanges the refresh token for a new pair and stores it. Concurrent callers for one shop share
 * the one request; a caller that arrives with an older pair than the newest gets the newest.
 */
export function refreshCredentials(
  context: ShopifyContext,
  library: ShopifyLibrary,
  stale: ShopifyCredentials = context.credentials,
): Promise<ShopifyCredentials> {
  const shop = context.externalAccount;
  const current = newest.get(shop);
  if (current && current.accessToken !== stale.accessToken && !needsRefresh(current)) {
    return Promise.resolve(current);
  }
  let pending = inFlight.get(shop);
  if (!pending) {
    pending = refresh(context, library, stale).finally(() => inFlight.delete(shop));
    inFlight.set(shop, pending);
  }
  return pending;
}

async function refresh(
  context: ShopifyContext,
  library: ShopifyLibrary,
  stale: ShopifyCredentials,
): Promise<ShopifyCredentials> {
  const shop = context.externalAccount;
  if (!stale.refreshToken) {
    throw new NeedsHumanError(
      'token_expired',
      `the access token for ${shop} expired and there is no refresh token: open the app from the Shopify admin to reconnect`,
      { shop },
    );
  }
  let session: Awaited<ReturnType<ShopifyLibrary['auth']['refreshToken']>>['session'];
  try {
    ({ session } = await library.auth.refreshToken({ shop, refreshToken: stale.refreshToken }));
  } catch (error) {
    throw classifyRefreshError(error, shop);
  }
  if (!session.accessToken)
    throw new RetryableError('invalid_response', 'the token refresh returned no token', { shop });
  const credentials: ShopifyCredentials = {
    accessToken: session.accessToken,
    scope: session.scope ?? stale.scope,
    expiresAt: session.expires ? session.expires.toISOString() : null,
    refreshToken: session.refreshToken ?? null,
    refreshTokenExpiresAt: session.refreshTokenExpires ? session.refreshTokenExpires.toISOString() : null,
  };
  // Stored before it is used: the old refresh token stops working once the new token is used.
  await context.saveCredentials(credentials);
  newest.set(shop, credentials);
  context.log.info({ shop, expiresAt: credentials.expiresAt }, 'shopify token refreshed');
  return credentials;
}

function classifyRefreshError(error: unknown, shop: string): Error {
  if (error instanceof HttpThrottlingError) {
    const seconds = error.response.retryAfter;
    return new RetryableError(
      'throttled',
      'Shopify throttled the token refresh',
      { shop },
      (seconds ?? 1) * 1000,
      {
        cause: error,
      },
    );
  }
  if (error instanceof HttpRetriableError || error instanceof HttpRequestError) {
    return new RetryableError(
      'token_refresh_failed',
      `the token refresh failed: ${error.message}`,
      { shop },
      null,
      {
        cause: error,
      },
    );
  }
  if (error instanceof HttpResponseError) {
    return new NeedsHumanError(
      'refresh_rejected',
      `Shopify refused the refresh token for ${shop} (${error.response.code}): open the app from the Shopify admin to reconnect`,
      { shop, status: error.response.code },
      { cause: error },
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Forgets what is cached for a shop (an uninstall) or for all (between tests). */
export function forgetCredentials(shop?: string): void {
  if (shop) {
    newest.delete(shop);
    inFlight.delete(shop);
  } else {
    newest.clear();
    inFlight.clear();
  }
}
