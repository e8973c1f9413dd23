/**
 * The connection's token for the next call. A Personal Access Token never expires and is used as
 * it is. An OAuth access token is refreshed a few minutes before it expires, by one caller per
 * connection at a time (every refresh may rotate the refresh token, so two at once would leave one
 * of them holding a dead pair), and the new pair is stored before it is used.
 */
import { NeedsHumanError, RetryableError } from '../../src/sdk/index.ts';
import type { ShipBobAppConfig } from './app-config.ts';
import type { TokenSource } from './client.ts';
import { environmentOf, type ShipBobContext, type ShipBobCredentials } from './connection.ts';
import { refreshAccessToken, TokenRequestError } from './oauth.ts';

/** Refresh when less than this is left, so no call starts with a token about to die. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

// Per process: the refresh under way per connection, and the newest pair seen. A job still holding
// the context it loaded before another job refreshed must neither use nor refresh the old pair.
const inFlight = new Map<string, Promise<ShipBobCredentials>>();
const newest = new Map<string, ShipBobCredentials>();

/** For tests: forget every pair seen. */
export function resetTokenCache(): void {
  inFlight.clear();
  newest.clear();
}

function expiry(credentials: ShipBobCredentials): number {
  return credentials.expiresAt ? Date.parse(credentials.expiresAt) : Number.POSITIVE_INFINITY;
}

function fresher(a: ShipBobCredentials, b: ShipBobCredentials | undefined): ShipBobCredentials {
  if (!b || a.accessToken === b.accessToken) return a;
  return expiry(b) > expiry(a) ? b : a;
}

function isOAuth(credentials: ShipBobCredentials): boolean {
  return credentials.kind === 'oauth';
}

/** The newest credentials this process knows for the connection (a refresh may postdate the context). */
export function currentCredentials(context: ShipBobContext): ShipBobCredentials {
  return fresher(context.credentials, newest.get(context.connectionId));
}

export function needsRefresh(credentials: ShipBobCredentials, now = Date.now()): boolean {
  return isOAuth(credentials) && expiry(credentials) - now < REFRESH_MARGIN_MS;
}

export function tokenSource(context: ShipBobContext, app: ShipBobAppConfig | null): TokenSource {
  return {
    async token() {
      const known = currentCredentials(context);
      if (!needsRefresh(known)) return known.accessToken;
      return (await refreshCredentials(context, app, known)).accessToken;
    },
    async renew() {
      const known = currentCredentials(context);
      if (!isOAuth(known)) return null;
      return (await refreshCredentials(context, app, known, true)).accessToken;
    },
  };
}

/**
 * Exchanges the refresh token for a new pair and stores it. Concurrent callers for one connection
 * share the one request; a caller that arrives with an older pair than the newest gets the newest.
 */
export function refreshCredentials(
  context: ShipBobContext,
  app: ShipBobAppConfig | null,
  stale: ShipBobCredentials,
  force = false,
): Promise<ShipBobCredentials> {
  const key = context.connectionId;
  const current = newest.get(key);
  if (current && current.accessToken !== stale.accessToken && !needsRefresh(current)) {
    return Promise.resolve(current);
  }
  if (!force && !needsRefresh(stale)) return Promise.resolve(stale);
  let pending = inFlight.get(key);
  if (!pending) {
    pending = refresh(context, app, stale).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}

async function refresh(
  context: ShipBobContext,
  app: ShipBobAppConfig | null,
  stale: ShipBobCredentials,
): Promise<ShipBobCredentials> {
  const connectionId = context.connectionId;
  if (!app) {
    throw new NeedsHumanError(
      'oauth_not_configured',
      'the ShipBob token expired and the hub has no ShipBob app (SHIPBOB_CLIENT_ID, SHIPBOB_CLIENT_SECRET) to refresh it',
      { connectionId },
    );
  }
  if (!stale.refreshToken) {
    throw new NeedsHumanError(
      'token_expired',
      'the ShipBob access token expired and there is no refresh token: connect the app again at /install/shipbob',
      { connectionId },
    );
  }
  let answer: Awaited<ReturnType<typeof refreshAccessToken>>;
  try {
    answer = await refreshAccessToken(app, {
      environment: environmentOf(context.settings),
      refreshToken: stale.refreshToken,
    });
  } catch (error) {
    if (error instanceof TokenRequestError && !error.transient) {
      throw new NeedsHumanError(
        'token_revoked',
        `ShipBob refused to refresh the token (${error.oauthError ?? error.status}): connect the app again at /install/shipbob`,
        { connectionId, status: error.status, oauthError: error.oauthError },
        { cause: error },
      );
    }
    throw new RetryableError(
      'token_refresh_failed',
      `the ShipBob token refresh failed: ${(error as Error).message}`,
      {
        connectionId,
      },
      null,
      { cause: error },
    );
  }
  const credentials: ShipBobCredentials = {
    ...stale,
    kind: 'oauth',
    accessToken: answer.access_token,
    // Some servers keep the refresh token and do not send it again.
    refreshToken: answer.refresh_token ?? stale.refreshToken,
    expiresAt: new Date(Date.now() + (answer.expires_in ?? 3600) * 1000).toISOString(),
  };
  // Stored before it is used: a rotated refresh token is the only way back in.
  await context.saveCredentials(credentials);
  newest.set(connectionId, credentials);
  context.log.info({ connectionId, expiresAt: credentials.expiresAt }, 'shipbob token refreshed');
  return credentials;
}
