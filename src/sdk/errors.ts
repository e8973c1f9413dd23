/**
 * Every failure a connector raises says what the hub should do with it: try again later, or stop
 * and show a person. `code` is what the dashboard groups by; `context` is what ops need to act.
 */
export type ErrorClass = 'retryable' | 'needs_human';

/**
 * A failure with its class, a code to group by and the context to act on; throw one of the two
 * subclasses.
 *
 * @example
 * if (error instanceof ConnectorError) log.warn({ code: error.code, ...error.context }, error.message);
 */
export abstract class ConnectorError extends Error {
  abstract readonly errorClass: ErrorClass;
  readonly code: string;
  readonly context: Record<string, unknown>;
  constructor(code: string, message: string, context: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.context = context;
  }
}

/**
 * Network failures, timeouts, 5xx, 429, lock contention: back off and try again.
 *
 * @example
 * throw new RetryableError('rate_limited', 'GET /orders answered 429', { status: 429 }, 30_000);
 */
export class RetryableError extends ConnectorError {
  readonly errorClass = 'retryable' as const;
  /** When the remote side said how long to wait (Retry-After), in milliseconds. */
  readonly retryAfterMs: number | null;
  constructor(
    code: string,
    message: string,
    context: Record<string, unknown> = {},
    retryAfterMs: number | null = null,
    options?: ErrorOptions,
  ) {
    super(code, message, context, options);
    this.name = 'RetryableError';
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Unknown SKU, bad address, a 3PL's rejection: retrying cannot help; park and show it.
 *
 * @example
 * throw new NeedsHumanError('unknown_sku', `the 3PL does not know ${sku}`, { sku });
 */
export class NeedsHumanError extends ConnectorError {
  readonly errorClass = 'needs_human' as const;
  constructor(code: string, message: string, context: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(code, message, context, options);
    this.name = 'NeedsHumanError';
  }
}

/**
 * A webhook body the connector cannot read; the hub answers 400 and records it.
 *
 * @example
 * if (typeof body.id !== 'string') throw new MalformedPayloadError('order.id: not a string');
 */
export class MalformedPayloadError extends Error {
  readonly code = 'malformed_payload';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MalformedPayloadError';
  }
}

/**
 * Whether the hub should try again; anything unclassified (a bug, a dropped connection) is.
 *
 * @example
 * isRetryable(new RetryableError('network_error', 'timeout')); // true
 * isRetryable(new NeedsHumanError('bad_address', 'no city')); // false
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof ConnectorError) return error.errorClass === 'retryable';
  // Anything unclassified (a bug, a dropped connection) is retried; dead-lettering catches the rest.
  return true;
}
