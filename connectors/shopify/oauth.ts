/**
 * The authorization-code grant's two network facts: where to send the merchant, and how to turn
 * the code into an expiring offline token pair (`expiring: '1'`, required of public apps created
 * since 2026-04-01).
 */
import { RetryableError } from '../../src/sdk/index.ts';
import type { ShopifyAppConfig } from './app-config.ts';
import type { ShopifyCredentials } from './connection.ts';
import { definePayload } from './payload-validation.ts';

export function authorizeUrl(
  config: ShopifyAppConfig,
  input: { shop: string; scopes: string[]; redirectUri: string; state: string },
): string {
  const url = new URL(`https://${input.shop}/admin/oauth/authorize`);
  url.searchParams.set('client_id', config.apiKey);
  url.searchParams.set('scope', input.scopes.join(','));
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('state', input.state);
  // Empty grant options ask for an offline token (background work); `per-user` would be online.
  url.searchParams.set('grant_options[]', '');
  return url.toString();
}

interface TokenResponse {
  access_token: string;
  scope: string;
  expires_in?: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
}

const tokenResponse = definePayload<TokenResponse>('token response', {
  type: 'object',
  required: ['access_token', 'scope'],
  properties: {
    access_token: { type: 'string', minLength: 1 },
    scope: { type: 'string' },
    expires_in: { type: 'integer', minimum: 1 },
    refresh_token: { type: 'string', minLength: 1 },
    refresh_token_expires_in: { type: 'integer', minimum: 1 },
  },
});

export class TokenExchangeError extends Error {
  readonly status: number | null;
  constructor(message: string, status: number | null, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TokenExchangeError';
    this.status = status;
  }
}

/** Code → token pair. The code is single-use and short-lived, so a failure is final for this attempt. */
export async function exchangeCode(
  config: ShopifyAppConfig,
  shop: string,
  code: string,
  now = Date.now(),
): Promise<ShopifyCredentials> {
  let response: Response;
  try {
    response = await fetch(`https://${shop}/admin/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        client_id: config.apiKey,
        client_secret: config.apiSecret,
        code,
        expiring: '1',
      }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new TokenExchangeError(`could not reach ${shop}: ${(error as Error).message}`, null, {
      cause: error,
    });
  }
  const text = await response.text();
  if (!response.ok) {
    throw new TokenExchangeError(
      `Shopify refused the authorization code (${response.status})`,
      response.status,
    );
  }
  let body: TokenResponse;
  try {
    body = tokenResponse.fromResponse(JSON.parse(text), 'POST /admin/oauth/access_token');
  } catch (error) {
    const message = error instanceof RetryableError ? error.message : 'the token response is not JSON';
    throw new TokenExchangeError(message, response.status, { cause: error });
  }
  return credentialsFrom(body, now);
}

/** A token response as the credentials the hub seals: expiry as times, not durations. */
export function credentialsFrom(body: TokenResponse, now: number): ShopifyCredentials {
  return {
    accessToken: body.access_token,
    scope: body.scope,
    expiresAt: body.expires_in ? new Date(now + body.expires_in * 1000).toISOString() : null,
    refreshToken: body.refresh_token ?? null,
    refreshTokenExpiresAt: body.refresh_token_expires_in
      ? new Date(now + body.refresh_token_expires_in * 1000).toISOString()
      : null,
  };
}
