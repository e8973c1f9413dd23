/**
 * ShipBob's OAuth 2.0 authorization-code flow with PKCE (developer.shipbob.com/migration/pkce):
 * the authorize request carries `code_challenge` + `code_challenge_method=S256`, the token exchange
 * `code_verifier` as well as the client secret. Refresh tokens come only with `offline_access`.
 * Endpoints: `<auth host>/connect/authorize` and `/connect/token` (form-encoded).
 */
import { createHash, randomBytes } from 'node:crypto';
import { parseJsonLossless } from '../../src/sdk/index.ts';
import type { ShipBobAppConfig } from './app-config.ts';
import { AUTH_HOSTS, type ShipBobEnvironment } from './connection.ts';
import { type TokenResponse, tokenResponse } from './payloads.ts';

export interface PkcePair {
  verifier: string;
  challenge: string;
}

/** 32 random bytes make a 43-character verifier (RFC 7636 allows 43 to 128). */
export function createPkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: challengeOf(verifier) };
}

export function challengeOf(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export function authorizeUrl(
  config: ShipBobAppConfig,
  input: { environment: ShipBobEnvironment; redirectUri: string; state: string; challenge: string },
): string {
  const url = new URL('/connect/authorize', AUTH_HOSTS[input.environment]);
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', config.scopes.join(' '));
  url.searchParams.set('state', input.state);
  url.searchParams.set('code_challenge', input.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

/** The token endpoint refused (a used or expired code, a revoked refresh token) or failed. */
export class TokenRequestError extends Error {
  readonly status: number | null;
  /** OAuth's `error` (`invalid_grant`, …) when the answer had one. */
  readonly oauthError: string | null;
  constructor(message: string, status: number | null, oauthError: string | null, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TokenRequestError';
    this.status = status;
    this.oauthError = oauthError;
  }
  /** Whether asking again can help: network failures, 429 and 5xx. */
  get transient(): boolean {
    return this.status === null || this.status === 429 || this.status >= 500;
  }
}

export function exchangeCode(
  config: ShipBobAppConfig,
  input: { environment: ShipBobEnvironment; code: string; redirectUri: string; verifier: string },
): Promise<TokenResponse> {
  return tokenRequest(input.environment, {
    grant_type: 'authorization_code',
    code: input.code,
    redirect_uri: input.redirectUri,
    client_id: config.clientId,
    client_secret: config.clientSecret,
    code_verifier: input.verifier,
  });
}

export function refreshAccessToken(
  config: ShipBobAppConfig,
  input: { environment: ShipBobEnvironment; refreshToken: string },
): Promise<TokenResponse> {
  return tokenRequest(input.environment, {
    grant_type: 'refresh_token',
    refresh_token: input.refreshToken,
    client_id: config.clientId,
    client_secret: config.clientSecret,
  });
}

async function tokenRequest(
  environment: ShipBobEnvironment,
  form: Record<string, string>,
): Promise<TokenResponse> {
  let response: Response;
  try {
    response = await fetch(new URL('/connect/token', AUTH_HOSTS[environment]), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      redirect: 'error',
      signal: AbortSignal.timeout(20_000),
    });
  } catch (error) {
    throw new TokenRequestError(`the token request failed: ${(error as Error).message}`, null, null, {
      cause: error,
    });
  }
  const text = await response.text().catch(() => '');
  let body: unknown = null;
  try {
    body = text ? parseJsonLossless(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    const oauthError =
      body && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string'
        ? ((body as { error: string }).error as string)
        : null;
    throw new TokenRequestError(
      `the token endpoint answered ${response.status}${oauthError ? ` (${oauthError})` : ''}`,
      response.status,
      oauthError,
    );
  }
  if (!tokenResponse.matches(body)) {
    throw new TokenRequestError('the token endpoint answered without an access token', response.status, null);
  }
  return body;
}

/**
 * The ShipBob user a token belongs to, from the JWT's `sub` claim, to name the connection's account.
 * Read without verifying: the token came straight from ShipBob's token endpoint over TLS, and it is
 * used as a name, never as proof of anything.
 */
export function tokenSubject(accessToken: string): string | null {
  const [, payload] = accessToken.split('.');
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const sub = claims.sub;
    return typeof sub === 'string' && /^[A-Za-z0-9._:@-]{1,200}$/.test(sub)
      ? sub
      : typeof sub === 'number'
        ? String(sub)
        : null;
  } catch {
    return null;
  }
}
