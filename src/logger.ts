import { type Logger, pino } from 'pino';

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

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}
