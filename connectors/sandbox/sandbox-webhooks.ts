/**
 * Reading a sandbox webhook's envelope: the signature, the topic and the event id. Both simulators
 * send the same headers, as the webhooks of one platform family usually do.
 */
import {
  headerValue,
  hmacSha256,
  type InboundRequest,
  MalformedPayloadError,
  signaturesEqual,
  type VerifyResult,
} from '../../src/sdk/index.ts';
import type { SandboxContext } from './sandbox-connection.ts';

/**
 * The signature is a base64 HMAC-SHA256 of the raw body bytes. It is computed over the bytes as
 * received (never re-serialized JSON, which may differ in spacing or escaping) and compared in
 * constant time. Everything short of a match fails closed.
 */
export function verifySandboxSignature(request: InboundRequest, context: SandboxContext): VerifyResult {
  const received = headerValue(request.headers, 'x-sandbox-signature');
  if (!received) return { ok: false, reason: 'missing_signature', message: 'no x-sandbox-signature header' };
  const secret = context.credentials.webhookSecret;
  if (!secret)
    return { ok: false, reason: 'missing_secret', message: 'the connection has no webhook secret' };
  const expected = hmacSha256(secret, request.rawBody, 'base64');
  if (!signaturesEqual(expected, received)) {
    return { ok: false, reason: 'bad_signature', message: 'x-sandbox-signature does not match the body' };
  }
  return { ok: true };
}

/** The topic, if it is one this connector handles. */
export function readTopic<T extends string>(topic: string | null | undefined, known: readonly T[]): T {
  const found = known.find((candidate) => candidate === topic);
  if (found === undefined) {
    throw new MalformedPayloadError(
      `unexpected topic ${JSON.stringify(topic ?? null)}; expected ${known.join(', ')}`,
    );
  }
  return found;
}

export function readTopicHeader<T extends string>(request: InboundRequest, known: readonly T[]): T {
  return readTopic(headerValue(request.headers, 'x-sandbox-topic'), known);
}

/** The event id stays the same when the simulator redelivers an event: it is the dedupe key. */
export function readEventId(request: InboundRequest): string {
  const eventId = headerValue(request.headers, 'x-sandbox-event-id');
  if (!eventId) throw new MalformedPayloadError('no x-sandbox-event-id header');
  return eventId;
}
