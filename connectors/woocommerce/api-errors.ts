/**
 * What a WooCommerce answer the connector did not expect means for the hub. 429, 5xx, timeouts and
 * non-JSON answers never get here: the client has already turned them into RetryableError, and a
 * 401 into `credentials_rejected`.
 */
import { type ConnectorError, NeedsHumanError, RetryableError } from '../../src/sdk/index.ts';
import type { WooResponse } from './woo-client.ts';
import { type WooError, wooError } from './woo-payloads.ts';

/** The `{code, message}` of a WooCommerce error body, when the body is one. */
export function wooErrorOf(body: unknown): WooError | null {
  return wooError.matches(body) ? body : null;
}

/**
 * @param operation what was attempted, for the message (`POST wc/v3/webhooks`)
 * @param refusedCode the code for a refusal (a 4xx), which a retry cannot fix
 */
export function unexpectedResponse(
  operation: string,
  response: WooResponse,
  refusedCode: string,
): ConnectorError {
  const error = wooErrorOf(response.body);
  const detail = error ? `${error.code}${error.message ? `: ${error.message}` : ''}` : '';
  const message = `${operation} answered ${response.status}${detail ? ` (${detail})` : ''}`;
  const context = { operation, status: response.status, code: error?.code ?? null };
  if (response.status === 403) {
    return new NeedsHumanError(
      'permission_denied',
      `${message}: the API key's WordPress user needs the manage_woocommerce capability`,
      context,
    );
  }
  if (response.status >= 400 && response.status < 500)
    return new NeedsHumanError(refusedCode, message, context);
  return new RetryableError('unexpected_status', message, context);
}

/** A route the store does not have (a plugin that is not installed): WordPress's `rest_no_route`. */
export function isNoRoute(response: WooResponse): boolean {
  return response.status === 404 && wooErrorOf(response.body)?.code === 'rest_no_route';
}
