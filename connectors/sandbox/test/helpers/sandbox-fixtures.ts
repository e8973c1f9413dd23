/** Connection contexts and signed requests for the sandbox connector tests. */
import { createHmac } from 'node:crypto';
import type { InboundRequest } from '../../../../src/sdk/index.ts';
import { createTestContext } from '../../../../src/sdk/testing.ts';
import type { SandboxContext, SandboxCredentials } from '../../sandbox-connection.ts';

export const API_KEY = 'sbx_test_key';
export const WEBHOOK_SECRET = 'sbx_test_secret';

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

/** Computed here, independently of the code under test, so a signing mistake there shows up. */
export function sign(body: Buffer | string, secret = WEBHOOK_SECRET): string {
  return createHmac('sha256', secret).update(body).digest('base64');
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
