import { RetryableError } from './errors.ts';
import { parseJsonLossless } from './payload.ts';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Overrides the client's timeout for this call. */
  timeoutMs?: number;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface HttpClientOptions {
  baseUrl: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * Parses Retry-After (seconds or an HTTP date) into milliseconds from now.
 *
 * @example
 * parseRetryAfter('120'); // 120000
 * parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', now); // ms until then, at least 0
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * A small JSON client over Node's fetch with a timeout. Network failures, timeouts, 429 and 5xx
 * become RetryableError; every other status is returned for the connector to interpret, because
 * only it knows whether a 409 or 422 means "already done" or "needs a human".
 *
 * @example
 * const request = createHttpClient({ baseUrl: context.settings.baseUrl, headers: { authorization: `Bearer ${key}` } });
 * const response = await request<{ orders: unknown[] }>({ method: 'GET', path: 'api/orders', query: { limit: 50 } });
 * if (response.status !== 200) throw new NeedsHumanError('poll_rejected', `answered ${response.status}`);
 */
export function createHttpClient(options: HttpClientOptions) {
  const timeoutMs = options.timeoutMs ?? 15_000;
  // Paths are joined to the base, keeping any prefix it has (`https://shop/wp-json/` + `wc/v3/orders`).
  const base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
  return async function request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    const url = new URL(req.path.replace(/^\/+/, ''), base);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method: req.method,
        headers: {
          accept: 'application/json',
          ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
          ...req.headers,
        },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(req.timeoutMs ?? timeoutMs),
      });
    } catch (error) {
      throw new RetryableError(
        'network_error',
        `${req.method} ${url.pathname} failed: ${(error as Error).message}`,
        {
          url: url.origin + url.pathname,
        },
        null,
        { cause: error },
      );
    }
    const text = await response.text();
    if (response.status === 429 || response.status >= 500) {
      throw new RetryableError(
        response.status === 429 ? 'rate_limited' : 'remote_unavailable',
        `${req.method} ${url.pathname} answered ${response.status}`,
        { status: response.status, url: url.origin + url.pathname, body: text.slice(0, 500) },
        parseRetryAfter(response.headers.get('retry-after')),
      );
    }
    let body: unknown = null;
    if (text.length > 0) {
      try {
        // Platform ids can exceed 2^53: kept as their exact digits, as connectors read webhooks.
        body = parseJsonLossless(text);
      } catch (error) {
        // Hosting firewalls and proxies answer with HTML pages; that is a transient condition.
        throw new RetryableError(
          'non_json_response',
          `${req.method} ${url.pathname} answered non-JSON`,
          {
            status: response.status,
            body: text.slice(0, 200),
          },
          null,
          { cause: error },
        );
      }
    }
    return { status: response.status, headers: response.headers, body: body as T };
  };
}

export type HttpClient = ReturnType<typeof createHttpClient>;
