/**
 * The files every scaffolded connector has, whatever its role: the manifest and connection types,
 * the API client, and the webhook envelope (signature, topic, event id). The role's own files are
 * in `fulfillment-templates.ts` and `storefront-templates.ts`.
 */
import type { Names } from './names.ts';

export function manifestFile(n: Names): string {
  return `/**
 * What the hub reads before it calls the connector: its name (the URL segment), role, the schemas
 * its settings and credentials are checked against when a connection is created, and the rate
 * limit the hub queues its calls to. Set \`rateLimit\` from ${n.display}'s documentation.
 */
import type { ConnectionContext, ConnectorManifest } from '${n.sdk}/index.ts';

/** Not secret: shown and returned by the API. */
export interface ${n.pascal}Settings {
  baseUrl: string;
}

/** Sealed at rest, never logged, never returned. */
export interface ${n.pascal}Credentials {
  apiKey: string;
  webhookSecret: string;
}

export type ${n.pascal}Context = ConnectionContext<${n.pascal}Settings, ${n.pascal}Credentials>;

export const manifest: ConnectorManifest & { role: '${n.role}' } = {
  name: '${n.name}',
  displayName: '${n.display}',
  role: '${n.role}',
  settingsSchema: {
    type: 'object',
    required: ['baseUrl'],
    additionalProperties: false,
    properties: { baseUrl: { type: 'string', format: 'uri' } },
  },
  credentialsSchema: {
    type: 'object',
    required: ['apiKey', 'webhookSecret'],
    additionalProperties: false,
    properties: { apiKey: { type: 'string', minLength: 1 }, webhookSecret: { type: 'string', minLength: 1 } },
  },
  rateLimit: { concurrency: 2, intervalMs: 1000, intervalCap: 5 },
  // Redacted from stored deliveries and logs; the topic header is kept (see \`webhooks.ts\`).
  webhookHeaders: { secret: ['x-${n.name}-signature'], topic: 'x-${n.name}-topic' },
};
`;
}

export function clientFile(n: Names): string {
  return `/**
 * The one way the connector calls ${n.display}: the SDK's HTTP client with the bearer key. The client
 * already turns network failures, timeouts, 429 (with Retry-After) and 5xx into RetryableError;
 * \`unexpected\` says what any other answer the connector did not expect means.
 */
import {
  type ConnectorError,
  createHttpClient,
  type HttpResponse,
  NeedsHumanError,
  RetryableError,
} from '${n.sdk}/index.ts';
import type { ${n.pascal}Context } from './manifest.ts';

export function ${n.camel}Api(context: ${n.pascal}Context) {
  return createHttpClient({
    baseUrl: context.settings.baseUrl,
    headers: { authorization: \`Bearer \${context.credentials.apiKey}\` },
  });
}

/** A 4xx is refused again on retry (bad keys, a validation error): a person must look. */
export function unexpected(operation: string, response: HttpResponse, code: string): ConnectorError {
  const context = { operation, status: response.status, body: JSON.stringify(response.body)?.slice(0, 500) };
  if (response.status === 401 || response.status === 403)
    return new NeedsHumanError('credentials_rejected', \`\${operation} answered \${response.status}\`, context);
  if (response.status >= 400 && response.status < 500)
    return new NeedsHumanError(code, \`\${operation} answered \${response.status}\`, context);
  return new RetryableError('unexpected_status', \`\${operation} answered \${response.status}\`, context);
}
`;
}

export function webhooksFile(n: Names): string {
  return `/**
 * Reading a ${n.display} webhook's envelope. The signature is a base64 HMAC-SHA256 of the raw body
 * bytes, computed over the bytes as received and compared in constant time; everything short of a
 * match fails closed. The event id stays the same on every redelivery: it is the dedupe key.
 */
import {
  headerValue,
  hmacSha256,
  type InboundRequest,
  MalformedPayloadError,
  signaturesEqual,
  type VerifyResult,
} from '${n.sdk}/index.ts';
import type { ${n.pascal}Context } from './manifest.ts';

export const SIGNATURE_HEADER = 'x-${n.name}-signature';
export const TOPIC_HEADER = 'x-${n.name}-topic';
export const EVENT_ID_HEADER = 'x-${n.name}-event-id';

export function verify${n.pascal}Webhook(request: InboundRequest, context: ${n.pascal}Context): VerifyResult {
  const received = headerValue(request.headers, SIGNATURE_HEADER);
  if (!received) return { ok: false, reason: 'missing_signature', message: \`no \${SIGNATURE_HEADER} header\` };
  const secret = context.credentials.webhookSecret;
  if (!secret) return { ok: false, reason: 'missing_secret', message: 'the connection has no webhook secret' };
  if (!signaturesEqual(hmacSha256(secret, request.rawBody, 'base64'), received))
    return { ok: false, reason: 'bad_signature', message: \`\${SIGNATURE_HEADER} does not match the body\` };
  return { ok: true };
}

/** The topic (one of those the connector handles) and the event id. */
export function readEnvelope<T extends string>(
  request: InboundRequest,
  topics: readonly T[],
): { topic: T; eventId: string } {
  const topic = topics.find((known) => known === headerValue(request.headers, TOPIC_HEADER));
  if (topic === undefined) throw new MalformedPayloadError(\`unexpected topic; expected \${topics.join(', ')}\`);
  const eventId = headerValue(request.headers, EVENT_ID_HEADER);
  if (!eventId) throw new MalformedPayloadError(\`no \${EVENT_ID_HEADER} header\`);
  return { topic, eventId };
}
`;
}

export function indexFile(n: Names): string {
  return `/** The ${n.display} connector; add \`${n.camel}\` to \`connectors/registry.ts\`. */

export { ${n.camel} } from './connector.ts';
export type { ${n.pascal}Credentials, ${n.pascal}Settings } from './manifest.ts';
`;
}

export function testHelpersFile(n: Names): string {
  return `/** What the ${n.display} tests share: the fake's address, a connection context, signed deliveries. */
import { createHmac } from 'node:crypto';
import type { InboundRequest } from '../${n.sdk}/index.ts';
import { createTestContext } from '../${n.sdk}/testing.ts';
import type { ${n.pascal}Credentials, ${n.pascal}Settings } from '../manifest.ts';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, TOPIC_HEADER } from '../webhooks.ts';

export const API = 'https://api.${n.name}.example';
export const API_KEY = '${n.name}-test-key';
export const WEBHOOK_SECRET = '${n.name}-test-secret';

export function ${n.camel}Context() {
  return createTestContext<${n.pascal}Settings, ${n.pascal}Credentials>({
    settings: { baseUrl: API },
    credentials: { apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET },
  });
}

/** Signed here, independently of the connector, so a signing mistake there shows up. */
export function signedDelivery(topic: string, body: unknown, eventId = 'evt-1'): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return {
    headers: {
      'content-type': 'application/json',
      [TOPIC_HEADER]: topic,
      [EVENT_ID_HEADER]: eventId,
      [SIGNATURE_HEADER]: createHmac('sha256', WEBHOOK_SECRET).update(rawBody).digest('base64'),
    },
    rawBody,
  };
}
`;
}

export function readmeFile(n: Names, operations: string): string {
  return `# ${n.display} (${n.role})

Scaffolded by \`npm run new-connector -- --name ${n.name} --role ${n.role}\`. It talks to an
imaginary REST API; make it talk to ${n.display}'s, one file at a time, keeping the tests green:

| file | its job |
| --- | --- |
| \`manifest.ts\` | name, role, settings and credentials schemas, rate limit |
| \`webhooks.ts\` | the signature check (raw bytes, constant time, fails closed), topic and event id |
| \`mapping.ts\` | ${n.display}'s payloads (schema and type side by side) and their canonical events |
| \`client.ts\` | the HTTP client and what an unexpected status means |
| \`connector.ts\` | the contract: ${operations} |
| \`test/fake-${n.name}.ts\` | ${n.display} behind nock, with state, for the tests |
| \`test/contract.test.ts\` | the SDK's contract kit, inbound and outbound, against the fake |

Run the tests with \`npx vitest run connectors/${n.name}\`. The contract kit's checks are what the hub
relies on; a check the connector cannot meet is a bug in the connector, never a check to skip.

Polling pages by \`updated_since\` with the newest \`updated_at\` as the cursor, which is lossless only
while no two records share a timestamp: against a real API with coarse timestamps, re-read a small
overlap and let the hub drop the changes it already has.
`;
}
