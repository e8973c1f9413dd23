/**
 * What a status code the connector did not expect means for the hub. 5xx and 429 never get here:
 * the SDK's client has already turned them into RetryableError.
 */
import {
  type ConnectorError,
  type HttpResponse,
  NeedsHumanError,
  RetryableError,
} from '../../src/sdk/index.ts';

/** The `error` (and `message`) the simulators put in their error bodies, when present. */
function describeBody(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const { error, message } = body as { error?: unknown; message?: unknown };
  return [error, message].filter((part) => typeof part === 'string').join(': ');
}

/**
 * @param operation what was attempted, for the message (`POST /v1/orders`)
 * @param rejectedCode the code for a refusal (any other 4xx), which a retry cannot fix
 */
export function unexpectedResponse(
  operation: string,
  response: HttpResponse,
  rejectedCode: string,
): ConnectorError {
  const detail = describeBody(response.body);
  const message = `${operation} answered ${response.status}${detail ? ` (${detail})` : ''}`;
  const context = { operation, status: response.status, body: JSON.stringify(response.body)?.slice(0, 500) };
  if (response.status === 401 || response.status === 403) {
    return new NeedsHumanError('credentials_rejected', `${message}: check the connection's API key`, context);
  }
  if (response.status >= 400 && response.status < 500)
    return new NeedsHumanError(rejectedCode, message, context);
  return new RetryableError('unexpected_status', message, context);
}
