/**
 * Verifying webhooks signed with the Standard Webhooks scheme (standardwebhooks.com, the one Svix
 * uses): headers `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`
 * (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, several separated by spaces during a
 * rotation), with a `whsec_<base64>` secret. The HMAC and its constant-time comparison are the
 * `standardwebhooks` package's; this file only turns its outcomes into the SDK's `VerifyResult`,
 * so a connector says which scheme it trusts in one line and can change it in one line.
 *
 * @example
 * const result = verifyStandardWebhook(request, [context.credentials.webhookSecret]);
 * if (!result.ok) return result; // missing_signature, stale_timestamp, bad_signature, missing_secret
 */
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { InboundRequest, VerifyResult } from './contracts.ts';
import { headerValue } from './signature.ts';

/** The package's own window (it is not configurable): a timestamp further off is refused. */
export const STANDARD_WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

/**
 * Fails closed: no secret, no header, a malformed or old timestamp, or no matching signature.
 *
 * @example
 * verifyWebhook: (request, context) =>
 *   verifyStandardWebhook(request, [context.credentials.webhookSecret, context.credentials.previousWebhookSecret]),
 */
export function verifyStandardWebhook(
  request: Pick<InboundRequest, 'headers' | 'rawBody'>,
  secrets: readonly (string | null | undefined)[],
): VerifyResult {
  const usable = secrets.filter(
    (secret): secret is string => typeof secret === 'string' && secret.length > 0,
  );
  if (usable.length === 0) {
    return {
      ok: false,
      reason: 'missing_secret',
      message: 'no webhook secret is stored for this connection',
    };
  }
  const id = headerValue(request.headers, 'webhook-id');
  const timestamp = headerValue(request.headers, 'webhook-timestamp');
  const signature = headerValue(request.headers, 'webhook-signature');
  if (!id || !timestamp || !signature) {
    return {
      ok: false,
      reason: 'missing_signature',
      message: 'webhook-id, webhook-timestamp and webhook-signature are all required',
    };
  }
  // Checked here as well as in the package so the refusal says why (ops see "stale", not "bad").
  const seconds = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : Number.NaN;
  if (
    !Number.isFinite(seconds) ||
    Math.abs(Date.now() / 1000 - seconds) > STANDARD_WEBHOOK_TOLERANCE_SECONDS
  ) {
    return {
      ok: false,
      reason: 'stale_timestamp',
      message: `webhook-timestamp is more than ${STANDARD_WEBHOOK_TOLERANCE_SECONDS} s from now, or not a number`,
    };
  }
  const headers = { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
  for (const secret of usable) {
    try {
      new Webhook(secret).verify(request.rawBody, headers, { jsonParse: false });
      return { ok: true };
    } catch (error) {
      // A mismatch, or a secret that is not valid base64: either way not this secret; try the next.
      if (!(error instanceof WebhookVerificationError) && !(error instanceof Error)) throw error;
    }
  }
  return { ok: false, reason: 'bad_signature', message: 'no webhook-signature matches a stored secret' };
}

/**
 * Signs a body the way a Standard Webhooks sender does. For tests and simulators: the hub never
 * sends these itself.
 *
 * @example
 * const headers = signStandardWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', { id: 'msg_1', timestamp: new Date(), body });
 */
export function signStandardWebhook(
  secret: string,
  input: { id: string; timestamp: Date; body: Buffer | string },
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(Math.floor(input.timestamp.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(input.id, input.timestamp, input.body),
  };
}
