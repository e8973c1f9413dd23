/**
 * Reading a sandbox webhook's envelope: the signature, the topic and the event id. Both simulators
 * send the same headers, as the webhooks of one platform family usually do.
 */
import {
  headerValue,
  type InboundRequest,
  MalformedPayloadError,
  type VerifyResult,
  verifyHmacSignature,
} from '../../src/sdk/index.ts';
import type { SandboxContext } from './sandbox-connection.ts';

/**
 * The signature is a base64 HMAC-SHA256 of the raw body bytes. It is computed over the bytes as
 * received (never re-serialized JSON, which may differ in spacing or escaping) and compared in
 * constant time. Everything short of a match fails closed.
 */
export function verifySandboxSignature(request: InboundRequest, context: SandboxContext): VerifyResult {
  return verifyHmacSignature(request, {
    header: 'x-sandbox-signature',
    secrets: [context.credentials.webhookSecret],
    encoding: 'base64',
  });
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
