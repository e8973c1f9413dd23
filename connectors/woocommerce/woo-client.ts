/**
 * The one way the connector talks to a store: `@woocommerce/woocommerce-rest-api` (which builds the
 * URL and does Basic, query-string or OAuth 1.0a auth) under a layer that adds what the library
 * lacks and real stores need:
 *
 * - a timeout on every call, and no redirects (a store that redirects its API drops our
 *   credentials and request bodies; the merchant must fix the URL);
 * - every answer read as text and parsed here, because hosting firewalls answer with HTML pages,
 *   sometimes with a 2xx status (SiteGround's 202 captcha);
 * - classification: 429, 5xx, timeouts, network errors and non-JSON are RetryableError (with
 *   Retry-After), a 401 is `credentials_rejected`, anything else is returned for the caller;
 * - one quick retry with jitter for transient failures of requests that are safe to repeat; the
 *   hub's jobs do the longer backoff;
 * - Basic auth first, and once a 401 shows that the store (behind a TLS-terminating proxy, or on
 *   CGI that strips `Authorization`) ignores it, the query-string fallback, remembered per store;
 * - a cap on requests in flight per store, across everything the hub does with it;
 * - the address guard from `store-url.ts` on every connection.
 *
 * Answers are returned unvalidated: callers validate them with the schemas in `woo-payloads.ts`.
 */
import WooCommerceRestApiModule from '@woocommerce/woocommerce-rest-api';
import PQueue from 'p-queue';
import { NeedsHumanError, parseRetryAfter, RetryableError } from '../../src/sdk/index.ts';
import type { ResolveHost } from './connection.ts';
import type { AuthMode } from './connection-state.ts';
import { guardedLookup, STORE_ADDRESS_REFUSED, storeUrlRefused } from './store-url.ts';
import { wooError } from './woo-payloads.ts';

// The package is Babel-compiled CommonJS without an `exports` map: under Node's native ESM the
// class is the `default` property of the default import (woocommerce-rest-api-js-lib#66), while a
// bundler that picks the package's `index.mjs` (vitest does) hands over the class itself.
type WooCommerceRestApiClass = typeof WooCommerceRestApiModule.default;
// Why the cast: the package is CommonJS; under Node's ESM loader the class is either `default` or
// the module itself, and its typings describe only the first.
const WooCommerceRestApi: WooCommerceRestApiClass =
  (WooCommerceRestApiModule as { default?: WooCommerceRestApiClass }).default ??
  (WooCommerceRestApiModule as unknown as WooCommerceRestApiClass);

export interface WooRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to the namespace, without a leading slash: `orders/727`. */
  path: string;
  /** The REST namespace: `wc/v3` unless a plugin's (`wc-shipment-tracking/v3`). */
  namespace?: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Safe to send twice (absolute writes). GET, PUT and DELETE always are; POST creates by default. */
  idempotent?: boolean;
  timeoutMs?: number;
}

export interface WooResponse {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  /** Parsed JSON, or null for an empty body. */
  body: unknown;
}

export interface WooClient {
  request(request: WooRequest): Promise<WooResponse>;
  /** `GET /wp-json/` without credentials: since WooCommerce 11.1 API keys are refused outside `wc*` routes. */
  index(): Promise<WooResponse>;
}

export interface WooClientConfig {
  storeUrl: string;
  consumerKey: string;
  consumerSecret: string;
  authMode: AuthMode;
  /** Called once when the query-string fallback worked where Basic auth did not. */
  onAuthModeChange?(mode: AuthMode): Promise<void>;
  timeoutMs: number;
  retryDelayMs: number;
  concurrency: number;
  /** Refuse connections to internal addresses (off only for development). */
  guardAddresses: boolean;
  resolveHost: ResolveHost | null;
}

/** A quick retry waits at most this long for Retry-After; longer waits go back to the job queue. */
const MAX_INLINE_WAIT_MS = 2_000;
const MAX_RESPONSE_BYTES = 50 * 1024 * 1024;
const INLINE_RETRY_CODES = new Set([
  'network_error',
  'store_unavailable',
  'rate_limited',
  'non_json_response',
]);

const queues = new Map<string, PQueue>();

function queueFor(storeUrl: string, concurrency: number): PQueue {
  let queue = queues.get(storeUrl);
  if (!queue) {
    queue = new PQueue({ concurrency });
    queues.set(storeUrl, queue);
  }
  return queue;
}

export function describeRequest(request: Pick<WooRequest, 'method' | 'path' | 'namespace'>): string {
  return `${request.method} ${request.namespace ?? 'wc/v3'}/${request.path}`.replace(/\/$/, '');
}

export function createWooClient(config: WooClientConfig): WooClient {
  let authMode = config.authMode;
  const https = config.storeUrl.startsWith('https:');
  const queue = queueFor(config.storeUrl, config.concurrency);

  const attempt = (request: WooRequest, mode: AuthMode, anonymous: boolean) =>
    queue.add(() => sendOnce(config, request, mode, anonymous));

  async function send(request: WooRequest, mode: AuthMode, anonymous = false): Promise<WooResponse> {
    try {
      return await attempt(request, mode, anonymous);
    } catch (error) {
      const repeatable = request.method !== 'POST' || request.idempotent === true;
      if (!(error instanceof RetryableError) || !repeatable || !INLINE_RETRY_CODES.has(error.code))
        throw error;
      const wait = error.retryAfterMs ?? 0;
      if (wait > MAX_INLINE_WAIT_MS) throw error;
      // Jitter, so that several jobs that failed together do not come back together.
      await sleep(wait + config.retryDelayMs * (0.5 + Math.random()));
      return attempt(request, mode, anonymous);
    }
  }

  return {
    async request(request) {
      let response = await send(request, authMode);
      if (response.status === 401 && authMode === 'basic' && https) {
        // Behind a proxy that hides HTTPS from PHP, or on CGI that drops the Authorization header,
        // WooCommerce ignores Basic credentials and answers 401; keys in the query string still work.
        const fallback = await send(request, 'query-string');
        if (fallback.status !== 401) {
          authMode = 'query-string';
          await config.onAuthModeChange?.(authMode);
        }
        response = fallback;
      }
      if (response.status === 401) {
        const error = wooError.matches(response.body) ? response.body : null;
        throw new NeedsHumanError(
          'credentials_rejected',
          `${describeRequest(request)} answered 401${error?.message ? ` (${error.message})` : ''}: check the connection's API keys and their read/write permission`,
          { status: 401, code: error?.code ?? null },
        );
      }
      return response;
    },
    index() {
      return send({ method: 'GET', path: '', namespace: '' }, authMode, true);
    },
  };
}

async function sendOnce(
  config: WooClientConfig,
  request: WooRequest,
  mode: AuthMode,
  anonymous: boolean,
): Promise<WooResponse> {
  const what = anonymous ? 'GET /wp-json/' : describeRequest(request);
  const timeoutMs = request.timeoutMs ?? config.timeoutMs;
  const api = new WooCommerceRestApi({
    url: config.storeUrl,
    consumerKey: config.consumerKey,
    consumerSecret: config.consumerSecret,
    // `version` is only the path after `wp-json/`, so plugin namespaces work although the
    // library's type lists only WooCommerce's own.
    version: (request.namespace ?? 'wc/v3') as 'wc/v3',
    queryStringAuth: mode === 'query-string',
    timeout: timeoutMs,
    axiosConfig: {
      // Every status and every body comes back to us as text; we decide what it means.
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
      maxContentLength: MAX_RESPONSE_BYTES,
      // `timeout` is an idle timeout on the socket; this bounds the whole exchange.
      signal: AbortSignal.timeout(timeoutMs + 1_000),
      ...(config.guardAddresses ? { lookup: guardedLookup(config.resolveHost) } : {}),
      // The library always authenticates; the public index must not be (the config is spread last).
      ...(anonymous ? { url: `${config.storeUrl}/wp-json/`, auth: undefined, params: undefined } : {}),
    },
  });
  let response: { status: number; headers: Record<string, unknown>; data: unknown };
  try {
    const query = request.query ?? {};
    switch (request.method) {
      case 'GET':
        response = await api.get(request.path, query);
        break;
      case 'POST':
        response = await api.post(request.path, request.body ?? {}, query);
        break;
      case 'PUT':
        response = await api.put(request.path, request.body ?? {}, query);
        break;
      case 'DELETE':
        response = await api.delete(request.path, query);
        break;
    }
  } catch (error) {
    throw transportError(error, what);
  }

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    if (value !== undefined && value !== null)
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  const text = typeof response.data === 'string' ? response.data : '';
  const status = response.status;
  const context = { request: what, status, contentType: headers['content-type'] ?? null };

  if (status === 429 || status >= 500) {
    throw new RetryableError(
      status === 429 ? 'rate_limited' : 'store_unavailable',
      `${what} answered ${status}`,
      { ...context, body: text.slice(0, 300) },
      parseRetryAfter(headers['retry-after'] ?? null),
    );
  }
  if (status >= 300 && status < 400) {
    throw new NeedsHumanError(
      'store_redirected',
      `${what} was redirected to ${headers.location ?? 'another address'}: set the store URL to the address the store answers on`,
      { ...context, location: headers.location ?? null },
    );
  }
  let body: unknown = null;
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch (error) {
      // A firewall's challenge page, a maintenance page, a PHP warning before the JSON.
      throw new RetryableError(
        'non_json_response',
        `${what} answered ${status} with something that is not JSON`,
        { ...context, body: text.slice(0, 300) },
        parseRetryAfter(headers['retry-after'] ?? null),
        { cause: error },
      );
    }
  }
  return { status, headers, body };
}

function transportError(error: unknown, what: string) {
  const { code, message, cause } = (error ?? {}) as {
    code?: string;
    message?: string;
    cause?: { code?: string };
  };
  if (code === STORE_ADDRESS_REFUSED || cause?.code === STORE_ADDRESS_REFUSED) {
    return storeUrlRefused('private_address', message ?? 'the store resolves to an internal address');
  }
  const timedOut =
    code === 'ECONNABORTED' ||
    code === 'ETIMEDOUT' ||
    code === 'ERR_CANCELED' ||
    (error as Error)?.name === 'CanceledError' ||
    (error as Error)?.name === 'AbortError';
  return new RetryableError(
    timedOut ? 'timeout' : 'network_error',
    `${what} failed: ${message ?? String(error)}`,
    { request: what, code: code ?? cause?.code ?? null },
    null,
    { cause: error },
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `X-WP-TotalPages`, or 1 when a store (or a caching proxy) drops the header. */
export function totalPages(response: WooResponse): number {
  const pages = Number(response.headers['x-wp-totalpages']);
  return Number.isSafeInteger(pages) && pages > 0 ? pages : 1;
}
