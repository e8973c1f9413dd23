/** Connection contexts and signed requests for the sandbox connector tests. */

import { API_KEY, sign, WEBHOOK_SECRET } from '../../../../sandbox/test/helpers/signing.ts';
import type { InboundRequest } from '../../../../src/sdk/index.ts';
import { createTestContext } from '../../../../src/sdk/testing.ts';
import type { SandboxContext, SandboxCredentials } from '../../sandbox-connection.ts';

// The connector tests talk to the simulators with the same credentials the simulator tests use.
export { API_KEY, sign, WEBHOOK_SECRET };

export function sandboxContext(
  baseUrl: string,
  credentials: Partial<SandboxCredentials> = {},
): SandboxContext {
  return createTestContext({
    externalAccount: 'sandbox',
    settings: { baseUrl },
    credentials: { apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET, ...credentials },
  });
}

export function signedRequest(
  topic: string,
  body: string,
  options: { eventId?: string | null; signature?: string | null } = {},
): InboundRequest {
  const rawBody = Buffer.from(body, 'utf8');
  const headers: Record<string, string | undefined> = {
    'content-type': 'application/json',
    'x-sandbox-topic': topic,
    'x-sandbox-event-id': options.eventId === undefined ? 'evt-1' : (options.eventId ?? undefined),
    'x-sandbox-signature': options.signature === undefined ? sign(rawBody) : (options.signature ?? undefined),
  };
  return { headers, rawBody };
}
