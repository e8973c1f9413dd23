/**
 * Signatures over a webhook's raw bytes. Most platforms sign a delivery with an HMAC of the body
 * (WooCommerce and Shopify: base64 HMAC-SHA256; others hex), keyed with a secret that is rotated now
 * and then: during a rotation both the new and the old secret must be accepted. `verifyHmacSignature`
 * is that check, once, so a connector states its header, encoding and secrets instead of writing
 * the comparison again. Standard Webhooks (`webhook-id`/`webhook-timestamp`/`webhook-signature`)
 * has its own helper in `standard-webhooks.ts`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { InboundRequest, VerifyResult } from './contracts.ts';

/** How a platform writes the digest in its header. */
export type SignatureEncoding = 'hex' | 'base64';

/**
 * The HMAC-SHA256 of the payload, in the encoding a platform sends. Computed over the bytes as
 * received: re-serialized JSON differs (escaped slashes, ids beyond 2^53) and would not match.
 *
 * @example
 * const signature = hmacSha256(secret, request.rawBody, 'base64');
 */
export function hmacSha256(
  secret: string | Buffer,
  payload: Buffer | string,
  encoding: SignatureEncoding,
): string {
  return createHmac('sha256', secret).update(payload).digest(encoding);
}

/**
 * Constant-time comparison of two signatures (or any two secrets, an OAuth `state`) in their text
 * form; unequal lengths are unequal.
 *
 * @example
 * if (!signaturesEqual(cookieState, query.state)) return { status: 403 };
 */
export function signaturesEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

/**
 * Whether the signature is the HMAC-SHA256 of the payload under any one of the secrets (the current
 * one, then those still valid during a rotation). Every secret is tried, so the time taken does not
 * tell which one matched; blank secrets are skipped.
 *
 * @example
 * hmacMatchesAny(request.rawBody, received, [current, previous], 'hex');
 */
export function hmacMatchesAny(
  payload: Buffer | string,
  received: string,
  secrets: readonly (string | null | undefined)[],
  encoding: SignatureEncoding,
): boolean {
  let matched = false;
  for (const secret of usableSecrets(secrets)) {
    if (signaturesEqual(hmacSha256(secret, payload, encoding), received.trim())) matched = true;
  }
  return matched;
}

export interface HmacSignatureOptions {
  /** The header carrying the signature; with several names, the first present is read. */
  header: string | readonly string[];
  /** The current secret first, then any still accepted during a rotation; blanks are ignored. */
  secrets: readonly (string | null | undefined)[];
  encoding: SignatureEncoding;
}

/**
 * Checks an HMAC-SHA256 signature header over the raw body and says why it fails, in the SDK's
 * terms: no header → `missing_signature`, no usable secret → `missing_secret`, no secret matching
 * → `bad_signature`. Fails closed.
 *
 * @example
 * verifyWebhook: (request, context) =>
 *   verifyHmacSignature(request, {
 *     header: 'x-acme-signature',
 *     secrets: [context.credentials.webhookSecret, context.credentials.previousWebhookSecret],
 *     encoding: 'base64',
 *   }),
 */
export function verifyHmacSignature(
  request: Pick<InboundRequest, 'headers' | 'rawBody'>,
  options: HmacSignatureOptions,
): VerifyResult {
  const names = typeof options.header === 'string' ? [options.header] : options.header;
  const header = names[0] ?? 'signature';
  const received = names.map((name) => headerValue(request.headers, name)).find((value) => value);
  if (!received) return { ok: false, reason: 'missing_signature', message: `no ${header} header` };
  if (usableSecrets(options.secrets).length === 0) {
    return { ok: false, reason: 'missing_secret', message: 'the connection has no webhook secret' };
  }
  if (!hmacMatchesAny(request.rawBody, received, options.secrets, options.encoding)) {
    return { ok: false, reason: 'bad_signature', message: `${header} does not match the body` };
  }
  return { ok: true };
}

/**
 * The one header value of a name, whether the platform sent it once or several times.
 *
 * @example
 * const topic = headerValue(request.headers, 'X-WC-Webhook-Topic'); // names are matched lower-cased
 */
export function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | null {
  const value = headers[name.toLowerCase()];
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}

function usableSecrets(secrets: readonly (string | null | undefined)[]): string[] {
  return secrets.filter((secret): secret is string => typeof secret === 'string' && secret.length > 0);
}
