/**
 * What a ShipBob answer the connector did not expect means for the hub. 429, 5xx and network
 * failures never get here (the client made them RetryableError), nor does a 401 that a refresh
 * could not cure. ShipBob's own words are kept on the error (they are what a person needs to fix
 * the order) and shown on the order, but the connector never logs them.
 */
import { type ConnectorError, NeedsHumanError, RetryableError } from '../../src/sdk/index.ts';
import type { ShipBobResponse } from './client.ts';

const MAX_MESSAGE = 500;

/**
 * ShipBob's messages from an error body: ASP.NET validation maps (`{"field": ["message"]}`, the
 * 400/422 shape of its OpenAPI), problem details (`title`, `detail`, `errors`), `{message}`, or text.
 */
export function shipBobMessages(body: unknown): string[] {
  if (typeof body === 'string') return body.trim() ? [body.trim()] : [];
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
  const record = body as Record<string, unknown>;
  const messages: string[] = [];
  const fromMap = (map: Record<string, unknown>) => {
    for (const [field, value] of Object.entries(map)) {
      const list = Array.isArray(value) ? value : [value];
      for (const item of list)
        if (typeof item === 'string' && item.trim()) messages.push(fieldMessage(field, item));
    }
  };
  if (record.errors && typeof record.errors === 'object' && !Array.isArray(record.errors)) {
    fromMap(record.errors as Record<string, unknown>);
  }
  for (const key of ['detail', 'message', 'title'] as const) {
    if (messages.length === 0 && typeof record[key] === 'string' && (record[key] as string).trim()) {
      messages.push((record[key] as string).trim());
    }
  }
  if (messages.length === 0) {
    fromMap(
      Object.fromEntries(
        Object.entries(record).filter(([key]) => !['type', 'status', 'traceId', 'instance'].includes(key)),
      ),
    );
  }
  return messages;
}

function fieldMessage(field: string, message: string): string {
  const text = message.trim();
  return field && field !== '$' && field !== '' ? `${field}: ${text}` : text;
}

export function summarize(messages: string[]): string {
  const joined = messages.join('; ');
  return joined.length > MAX_MESSAGE ? `${joined.slice(0, MAX_MESSAGE - 1)}…` : joined;
}

/**
 * @param operation what was attempted (`POST /order`)
 * @param refusedCode the code for a refusal (400/422), which a retry cannot fix
 */
export function unexpectedResponse(
  operation: string,
  response: ShipBobResponse,
  refusedCode: string,
): ConnectorError {
  const messages = shipBobMessages(response.body);
  const detail = summarize(messages);
  const context = { operation, status: response.status, shipbobErrors: messages.slice(0, 20) };
  const suffix = detail ? `: ${detail}` : '';
  if (response.status === 403) {
    return new NeedsHumanError(
      'permission_denied',
      `${operation} was refused (403): the token or the channel lacks the scope for it${suffix}`,
      context,
    );
  }
  if (response.status === 404)
    return new NeedsHumanError('shipbob_not_found', `${operation} found nothing (404)${suffix}`, context);
  if (response.status >= 400 && response.status < 500) {
    return new NeedsHumanError(
      refusedCode,
      `ShipBob refused ${operation} (${response.status})${suffix}`,
      context,
    );
  }
  return new RetryableError('unexpected_status', `${operation} answered ${response.status}`, context);
}
