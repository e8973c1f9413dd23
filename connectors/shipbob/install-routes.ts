/**
 * Connecting a ShipBob account through the hub's OAuth app:
 *
 * 1. `GET /install/shipbob[?environment=sandbox]` makes a PKCE pair, keeps the verifier with a
 *    one-time state (ten minutes) and the state in a cookie of this browser, and sends the merchant
 *    to ShipBob's authorize page (`auth.shipbob.com`, or `authstage.shipbob.com` for the sandbox);
 * 2. ShipBob sends them back to `GET /install/shipbob/callback?code&state`; the callback is trusted
 *    only with the state we issued, unused, in the browser that started; the code is exchanged with
 *    the verifier and the client secret, and a grant without a refresh token is refused (it would
 *    stop working within the hour);
 * 3. the hub creates or re-activates the connection, whose `onConnect` picks the channel and
 *    subscribes the webhooks.
 *
 * A Personal Access Token needs none of this: it is posted with `POST /api/connections`.
 */
import {
  type InstallApi,
  type InstallRequest,
  type InstallResponse,
  type InstallRoute,
  NeedsHumanError,
  signaturesEqual,
} from '../../src/sdk/index.ts';
import { REQUIRED_VARIABLES, type ShipBobAppConfig } from './app-config.ts';
import { chooseChannel, listChannels } from './channels.ts';
import { createShipBobClient } from './client.ts';
import type { ShipBobCredentials, ShipBobEnvironment } from './connection.ts';
import { authorizeUrl, createPkcePair, exchangeCode, TokenRequestError, tokenSubject } from './oauth.ts';

export const STATE_COOKIE = 'shipbob_install_state';
const STATE_TTL_SECONDS = 600;
export const CALLBACK_PATH = '/install/shipbob/callback';

export function installRoutes(app: ShipBobAppConfig | null): InstallRoute[] {
  return [
    {
      method: 'GET',
      path: '',
      handler: async (request, hub) => (app ? begin(app, request, hub) : unconfigured()),
    },
    {
      method: 'GET',
      path: '/callback',
      handler: async (request, hub) => (app ? callback(app, request, hub) : unconfigured()),
    },
  ];
}

function unconfigured(): InstallResponse {
  return page(
    503,
    'ShipBob is not configured',
    `The hub has no ShipBob app: set ${REQUIRED_VARIABLES.join(' and ')} and restart, or connect with a Personal Access Token through POST /api/connections.`,
  );
}

function parseEnvironment(value: string | undefined): ShipBobEnvironment | null {
  if (value === undefined || value === '' || value === 'production') return 'production';
  return value === 'sandbox' ? 'sandbox' : null;
}

async function begin(
  app: ShipBobAppConfig,
  request: InstallRequest,
  hub: InstallApi,
): Promise<InstallResponse> {
  const environment = parseEnvironment(request.query.environment);
  if (!environment) return page(400, 'Unknown environment', 'environment must be production or sandbox.');
  const pkce = createPkcePair();
  const state = await hub.issueNonce({ verifier: pkce.verifier, environment }, STATE_TTL_SECONDS);
  return {
    status: 302,
    headers: {
      location: authorizeUrl(app, {
        environment,
        redirectUri: `${hub.hubUrl}${CALLBACK_PATH}`,
        state,
        challenge: pkce.challenge,
      }),
      'set-cookie': stateCookie(state, hub.hubUrl, STATE_TTL_SECONDS),
      'cache-control': 'no-store',
    },
  };
}

async function callback(
  app: ShipBobAppConfig,
  request: InstallRequest,
  hub: InstallApi,
): Promise<InstallResponse> {
  const { code, state, error } = request.query;
  const clear = { 'set-cookie': stateCookie('', hub.hubUrl, 0) };
  if (error) {
    return page(
      400,
      'Not connected',
      `ShipBob did not grant access (${error}), so nothing was changed.`,
      clear,
    );
  }
  if (!code || !state)
    return page(400, 'Invalid callback', 'The callback lacks the code or state ShipBob sends.');
  const cookieState = cookies(request.headers.cookie)[STATE_COOKIE];
  if (!cookieState || !signaturesEqual(cookieState, state)) {
    return page(
      400,
      'Start again',
      'This connection was started in another browser, or it expired. Start again from /install/shipbob.',
    );
  }
  const started = await hub.consumeNonce(state);
  const environment = parseEnvironment(
    typeof started?.environment === 'string' ? started.environment : undefined,
  );
  if (!started || typeof started.verifier !== 'string' || !environment) {
    return page(
      400,
      'Start again',
      'This link was already used or has expired. Start again from /install/shipbob.',
      clear,
    );
  }
  let token: Awaited<ReturnType<typeof exchangeCode>>;
  try {
    token = await exchangeCode(app, {
      environment,
      code,
      redirectUri: `${hub.hubUrl}${CALLBACK_PATH}`,
      verifier: started.verifier,
    });
  } catch (failure) {
    if (!(failure instanceof TokenRequestError)) throw failure;
    hub.log.warn({ status: failure.status, oauthError: failure.oauthError }, 'shipbob token exchange failed');
    return page(
      502,
      'ShipBob refused',
      'ShipBob did not hand over the access token. Start again from /install/shipbob.',
      clear,
    );
  }
  if (!token.refresh_token) {
    return page(
      400,
      'Missing permission',
      'ShipBob granted no refresh token (the offline_access scope), so the connection would stop within the hour. Start again and allow offline access.',
      clear,
    );
  }
  const credentials: ShipBobCredentials = {
    kind: 'oauth',
    accessToken: token.access_token,
    refreshToken: token.refresh_token,
    expiresAt: new Date(Date.now() + (token.expires_in ?? 3600) * 1000).toISOString(),
  };
  let externalAccount: string;
  try {
    externalAccount = await accountOf(environment, credentials);
  } catch (failure) {
    const message = failure instanceof NeedsHumanError ? failure.message : 'ShipBob could not be reached';
    return page(
      502,
      'Setup failed',
      `The account was authorized but could not be identified: ${message}`,
      clear,
    );
  }
  try {
    await hub.connect({
      externalAccount,
      settings: { environment },
      credentials: { ...credentials },
      merchantName: `ShipBob ${externalAccount}`,
    });
  } catch (failure) {
    // The hub keeps the connection, marked with why its setup failed (a channel to choose, say).
    hub.log.error({ err: failure, externalAccount }, 'shipbob connection setup failed');
    const message = failure instanceof NeedsHumanError ? failure.message : 'see the connection for details';
    return page(
      502,
      'Setup needs you',
      `The account was authorized but could not be set up: ${message}`,
      clear,
    );
  }
  hub.log.info({ externalAccount, environment }, 'shipbob account connected');
  return page(
    200,
    'Connected',
    'Your ShipBob account is connected to the fulfillment hub. You can close this window.',
    clear,
  );
}

/**
 * What names the account across re-installs: the ShipBob user the token is for (PATs and OAuth
 * grants act as the account's root user), else the channel the grant writes through.
 */
async function accountOf(environment: ShipBobEnvironment, credentials: ShipBobCredentials): Promise<string> {
  const subject = tokenSubject(credentials.accessToken);
  if (subject) return `${environment}:user:${subject}`;
  const client = createShipBobClient({
    environment,
    tokens: { token: async () => credentials.accessToken, renew: async () => null },
  });
  const channels = await listChannels(client);
  try {
    return `${environment}:channel:${chooseChannel(channels, null)}`;
  } catch {
    const ids = channels.map((c) => Number(c.id)).filter(Number.isFinite);
    if (ids.length === 0) throw new NeedsHumanError('no_channel', 'the token sees no ShipBob channel');
    return `${environment}:channel:${Math.min(...ids)}`;
  }
}

function stateCookie(value: string, hubUrl: string, maxAge: number): string {
  const url = new URL(hubUrl);
  const secure = url.protocol === 'https:' ? '; Secure' : '';
  const path = `${url.pathname.replace(/\/+$/, '')}${CALLBACK_PATH}`;
  // Lax: sent when ShipBob redirects the browser back, a top-level GET from another site.
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
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
