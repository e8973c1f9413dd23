/**
 * WooCommerce signs each delivery with `X-WC-Webhook-Signature`: the base64 HMAC-SHA256 of the
 * body bytes exactly as sent, keyed with the webhook's own secret (which we generated), never the
 * REST consumer secret. PHP escapes `/` as `\/` and non-ASCII as `\uXXXX`, so re-serialized JSON
 * would not match: only the raw bytes will do.
 */
import {
  headerValue,
  type InboundRequest,
  type VerifyResult,
  verifyHmacSignature,
} from '../../src/sdk/index.ts';
import type { WooContext } from './connection.ts';

const PING = /^webhook_id=(\d{1,20})$/;

/** The webhook id of an activation ping, or null when the body is anything else. */
export function pingWebhookId(rawBody: Buffer): string | null {
  // The ping is short; anything longer is not one (and is not worth decoding as a string).
  if (rawBody.length > 40) return null;
  return PING.exec(rawBody.toString('latin1'))?.[1] ?? null;
}

export function verifyWooSignature(request: InboundRequest, context: WooContext): VerifyResult {
  if (!headerValue(request.headers, 'x-wc-webhook-signature')) {
    // WooCommerce pings a new webhook with a bare form POST `webhook_id=<id>`: no signature, no
    // X-WC headers. It must get a 200, or the merchant sees an error and the webhook stays
    // "pending" and is pinged again after every delivery. Letting exactly that body through
    // unsigned is safe: parseWebhook records it as having nothing to apply, so a forged "ping"
    // can only add one ignored row. Any other unsigned body fails closed.
    if (pingWebhookId(request.rawBody) !== null) return { ok: true };
  }
  return verifyHmacSignature(request, {
    header: 'x-wc-webhook-signature',
    secrets: [context.credentials.webhookSecret],
    encoding: 'base64',
  });
}
