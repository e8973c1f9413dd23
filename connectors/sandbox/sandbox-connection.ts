/**
 * What a sandbox connection is configured with, and how to call its API. Both sandbox connectors
 * share it because both simulators use the same authentication.
 */
import {
  type ConnectionContext,
  createHttpClient,
  type HttpClient,
  type JsonSchema,
} from '../../src/sdk/index.ts';

export interface SandboxSettings {
  /** Where the simulator listens, e.g. `http://127.0.0.1:4010`. May include a path prefix. */
  baseUrl: string;
}

export interface SandboxCredentials {
  apiKey: string;
  webhookSecret: string;
}

export type SandboxContext = ConnectionContext<SandboxSettings, SandboxCredentials>;

export const settingsSchema: JsonSchema = {
  type: 'object',
  required: ['baseUrl'],
  // Closed on purpose: a misspelled setting should be refused, not silently ignored.
  additionalProperties: false,
  properties: { baseUrl: { type: 'string', format: 'uri', pattern: '^https?://' } },
};

export const credentialsSchema: JsonSchema = {
  type: 'object',
  required: ['apiKey', 'webhookSecret'],
  additionalProperties: false,
  properties: { apiKey: { type: 'string', minLength: 1 }, webhookSecret: { type: 'string', minLength: 1 } },
};

/**
 * A client for the connection's simulator. Call it with paths relative to the base URL
 * (`api/orders`, no leading slash): the SDK resolves them with `new URL(path, baseUrl)`, where a
 * leading slash would drop any path prefix in the base URL.
 */
export function sandboxApi(context: SandboxContext): HttpClient {
  const { baseUrl } = context.settings;
  return createHttpClient({
    baseUrl: baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`,
    headers: { authorization: `Bearer ${context.credentials.apiKey}` },
  });
}
