/**
 * What a sandbox connection is configured with, and how to call its API. Both sandbox connectors
 * share it because both simulators use the same authentication.
 */
import Type, { type Static } from 'typebox';
import { type ConnectionContext, createHttpClient, type HttpClient } from '../../src/sdk/index.ts';

/** Closed on purpose: a misspelled setting should be refused, not silently ignored. */
export const settingsSchema = Type.Object(
  {
    /** Where the simulator listens, e.g. `http://127.0.0.1:4010`. May include a path prefix. */
    baseUrl: Type.String({ format: 'uri', pattern: '^https?://' }),
  },
  { additionalProperties: false },
);
export type SandboxSettings = Static<typeof settingsSchema>;

export const credentialsSchema = Type.Object(
  { apiKey: Type.String({ minLength: 1 }), webhookSecret: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);
export type SandboxCredentials = Static<typeof credentialsSchema>;

export type SandboxContext = ConnectionContext<SandboxSettings, SandboxCredentials>;

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
