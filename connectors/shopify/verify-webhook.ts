/**
 * Every delivery from Shopify (webhooks, compliance topics, and the fulfillment service's request
 * notifications, posted to `<callbackUrl>/fulfillment_order_notification`) carries
 * `X-Shopify-Hmac-Sha256`: a base64 HMAC-SHA256 of the raw body with the app's client secret. It is
 * checked on the exact bytes received (re-serialized JSON differs: escaped slashes, ids beyond
 * 2^53) and compared in constant time; anything short of a match fails closed, which the hub
 * answers with 401, as Shopify's review requires of compliance topics. The sub-path is not signed
 * and changes nothing here: `parseWebhook` decides what a sub-path may carry.
 *
 * This is the check `@shopify/shopify-api` makes (`webhooks.validate` and, for notifications,
 * `fulfillmentService.validate`, which checks only the HMAC), and the tests hold the two to the
 * same verdicts. The hub now awaits an asynchronous `verifyWebhook`, but calling the library is
 * still not the cleaner way:
 * - it knows one secret (its config's `apiSecretKey`), so accepting the previous secret during a
 *   rotation would take a second `shopifyApi` instance built only for that;
 * - it hashes a string (the body decoded and re-encoded as UTF-8), not the bytes received;
 * - `webhooks.validate` also requires the topic, webhook id and API version headers, so it refuses
 *   every notification and reports a missing header as a failed validation (a 401 where the hub
 *   answers 400), leaving `fulfillmentService.validate` for everything, which reads only
 *   `X-Shopify-Hmac-Sha256`;
 * - both take a Node request and response (`rawRequest`, `rawResponse`) through the runtime adapter,
 *   which the hub does not have: we would fake them and cast the arguments.
 * So the SDK's `verifyHmacSignature` (HMAC-SHA256, base64, constant-time, any secret of a rotation)
 * makes the same check.
 */
import {
  type ConnectionContext,
  headerValue,
  type InboundRequest,
  type VerifyResult,
  verifyHmacSignature,
} from '../../src/sdk/index.ts';

export function verifyShopifyDelivery(
  request: InboundRequest,
  context: Pick<ConnectionContext, 'externalAccount'>,
  /** The current secret, then the one before a rotation (Shopify may use it for up to an hour). */
  secrets: readonly string[],
): VerifyResult {
  if (secrets.length === 0) {
    return {
      ok: false,
      reason: 'missing_secret',
      message: 'SHOPIFY_API_SECRET is not set: nothing can be verified',
    };
  }
  const signature = ['x-shopify-hmac-sha256', 'shopify-hmac-sha256'];
  if (request.rawBody.length === 0 && signature.some((name) => headerValue(request.headers, name)))
    return { ok: false, reason: 'bad_signature', message: 'the body is empty' };
  const verdict = verifyHmacSignature(request, { header: signature, secrets, encoding: 'base64' });
  if (!verdict.ok) return verdict;
  // The signature covers the body only; a delivery for one shop must not be applied to another's connection.
  const shop =
    headerValue(request.headers, 'x-shopify-shop-domain') ??
    headerValue(request.headers, 'shopify-shop-domain');
  if (shop && shop.trim().toLowerCase() !== context.externalAccount.toLowerCase()) {
    return {
      ok: false,
      reason: 'bad_signature',
      message: `a delivery for ${shop} was sent to the connection of ${context.externalAccount}`,
    };
  }
  return { ok: true };
}
