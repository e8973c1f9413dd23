import { type Logger, pino } from 'pino';
import { databaseFailureOf } from './db/database-errors.ts';

/**
 * Secrets and customer PII never reach a log line: signatures, tokens and credentials, and the
 * personal fields of orders, are censored wherever they appear in the logged object.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-shopify-hmac-sha256"]',
  'req.headers["x-wc-webhook-signature"]',
  'req.headers["x-sandbox-signature"]',
  'headers.authorization',
  '*.credentials',
  'credentials',
  '*.apiKey',
  '*.accessToken',
  '*.consumerSecret',
  '*.webhookSecret',
  '*.password',
  '*.token',
  '*.email',
  'email',
  '*.shippingAddress',
  '*.shipping_address',
  '*.shipTo',
  '*.ship_to',
  '*.phone',
];

/**
 * Errors are logged with their class, code and context, but never with the remote side's response
 * body, which can echo a customer's address or email back.
 */
function serializeError(error: unknown) {
  // A database error's text and detail quote the values it refused: logged by class and names only.
  const database = databaseFailureOf(error);
  if (database) {
    const { message, ...fields } = database;
    const stack = (error as Error).stack?.split('\n').slice(1).join('\n');
    return { type: 'DatabaseError', message, ...fields, ...(stack ? { stack } : {}) };
  }
  const serialized = pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  const context = serialized.context as Record<string, unknown> | undefined;
  if (context && 'body' in context) serialized.context = { ...context, body: '[redacted]' };
  return serialized;
}

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
}
