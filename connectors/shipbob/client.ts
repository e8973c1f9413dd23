/**
 * The one way the connector talks to ShipBob's API: Node's fetch with a timeout, pinned to the
 * dated version, with the bearer token of the connection and, on writes, the `shipbob_channel_id`
 * header. Answers are parsed losslessly (ids beyond 2^53 stay exact). Classification:
 *
 * - 429 → RetryableError with `retryAfterMs` from ShipBob's `x-retry-after` (seconds), so the job is
 *   rescheduled then instead of hammering a sliding window shared by every token of the account;
 * - 5xx, timeouts, network failures, a 2xx that is not JSON → RetryableError;
 * - a 401 with an OAuth token → one refresh and one retry; still 401 → NeedsHumanError;
 * - every other status is returned for the caller, who knows whether a 422 means "duplicate" or
 *   "fix the order".
 *
 * Nothing here logs a body: they carry customers' names and addresses.
 */
import { NeedsHumanError, parseJsonLossless, parseRetryAfter, RetryableError } from '../../src/sdk/index.ts';
import { API_HOSTS, API_VERSION, type ShipBobEnvironment } from './connection.ts';

export interface ShipBobRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Under the version: `order`, `order/123:cancel`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Sent as `shipbob_channel_id`; required by ShipBob on creates and cancels. */
  channelId?: number;
  timeoutMs?: number;
}

export interface ShipBobResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON; the raw text when a 4xx is not JSON; null when empty. */
  body: unknown;
}

export interface TokenSource {
  /** A token good for the next call (refreshed first when it is about to expire). */
  token(): Promise<string>;
  /** After a 401: a new token if one can be had (OAuth), or null (a PAT cannot be renewed). */
  renew(): Promise<string | null>;
}

export interface ShipBobClient {
  request(request: ShipBobRequest): Promise<ShipBobResponse>;
  /** Follows a paging link ShipBob returned (`next`), which must point at the same API. */
  follow(link: string): Promise<ShipBobResponse>;
  readonly baseUrl: string;
}

/** When ShipBob says 429 without saying how long: one sliding window. */
const DEFAULT_RETRY_AFTER_MS = 60_000;

export function createShipBobClient(input: {
  environment: ShipBobEnvironment;
  tokens: TokenSource;
  timeoutMs?: number;
  /** Overrides the host (tests, a proxy); the version is still appended. */
  apiHost?: string;
}): ShipBobClient {
  const host = (input.apiHost ?? API_HOSTS[input.environment]).replace(/\/+$/, '');
  const baseUrl = `${host}/${API_VERSION}`;
  const timeoutMs = input.timeoutMs ?? 20_000;

  async function send(url: URL, request: Omit<ShipBobRequest, 'path' | 'query'>): Promise<ShipBobResponse> {
    let token = await input.tokens.token();
    let response = await once(url, request, token);
    if (response.status === 401) {
      const renewed = await input.tokens.renew();
      if (renewed && renewed !== token) {
        token = renewed;
        response = await once(url, request, token);
      }
      if (response.status === 401) {
        throw new NeedsHumanError(
          'credentials_rejected',
          'ShipBob refused the access token (401): generate a new Personal Access Token, or connect the app again',
          { operation: `${request.method} ${url.pathname}` },
        );
      }
    }
    return response;
  }

  async function once(
    url: URL,
    request: Omit<ShipBobRequest, 'path' | 'query'>,
    token: string,
  ): Promise<ShipBobResponse> {
    const operation = `${request.method} ${url.pathname}`;
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}` };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.channelId !== undefined) headers.shipbob_channel_id = String(request.channelId);
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        redirect: 'error',
        signal: AbortSignal.timeout(request.timeoutMs ?? timeoutMs),
      });
    } catch (error) {
      throw new RetryableError(
        'network_error',
        `${operation} failed: ${(error as Error).message}`,
        { operation },
        null,
        {
          cause: error,
        },
      );
    }
    const text = await response.text().catch(() => '');
    if (response.status === 429) {
      const retryAfterMs =
        parseRetryAfter(response.headers.get('x-retry-after')) ??
        parseRetryAfter(response.headers.get('retry-after')) ??
        DEFAULT_RETRY_AFTER_MS;
      throw new RetryableError(
        'rate_limited',
        `${operation}: ShipBob's rate limit (150 requests a minute per account and app) is used up`,
        { operation, status: 429, remainingCalls: response.headers.get('x-remaining-calls') },
        retryAfterMs,
      );
    }
    if (response.status >= 500) {
      throw new RetryableError('remote_unavailable', `${operation} answered ${response.status}`, {
        operation,
        status: response.status,
      });
    }
    return {
      status: response.status,
      headers: response.headers,
      body: parseBody(text, response.status, operation),
    };
  }

  return {
    baseUrl,
    request(request) {
      const url = new URL(`${baseUrl}/${request.path.replace(/^\/+/, '')}`);
      for (const [key, value] of Object.entries(request.query ?? {})) {
        if (value !== undefined) url.searchParams.set(key, String(value));
      }
      return send(url, request);
    },
    follow(link) {
      const url = new URL(link, `${host}/`);
      // A link elsewhere would carry our token there.
      if (url.origin !== new URL(host).origin) {
        throw new RetryableError('invalid_response', 'ShipBob returned a paging link to another host', {
          host: url.host,
        });
      }
      return send(url, { method: 'GET' });
    },
  };
}

function parseBody(text: string, status: number, operation: string): unknown {
  if (text.length === 0) return null;
  try {
    return parseJsonLossless(text);
  } catch (error) {
    // A proxy's page instead of ShipBob's answer is transient; a plain-text 4xx is ShipBob's word.
    if (status >= 200 && status < 300) {
      throw new RetryableError(
        'non_json_response',
        `${operation} answered ${status} with non-JSON`,
        { operation },
        null,
        {
          cause: error,
        },
      );
    }
    return text;
  }
}
