/**
 * Typed settings, credentials and state from the manifest's schemas. A connector declares each of
 * them once, as a TypeBox schema in its manifest: the hub validates `connections.settings` and the
 * credentials with that schema (ajv), and `defineStorefront`/`defineFulfillment` give every method
 * a `ConnectionContext` typed with `Static<>` of the same schemas, so no connector writes a
 * TypeScript interface beside its JSON Schema, or a reader per field.
 *
 * @example
 * const manifest = defineManifest({
 *   name: 'acme',
 *   displayName: 'Acme 3PL',
 *   role: 'fulfillment',
 *   settings: Type.Object({ baseUrl: Type.String({ format: 'uri' }) }),
 *   credentials: Type.Object({ apiKey: Type.String({ minLength: 1 }) }),
 *   rateLimit: { concurrency: 4, intervalMs: 1000, intervalCap: 10 },
 * });
 * export const acme = defineFulfillment(manifest, {
 *   async submitShipment(context, request) {
 *     context.settings.baseUrl; // string
 *     context.credentials.apiKey; // string
 *   },
 *   // ...
 * });
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Static, TObject, TSchema } from 'typebox';
import type { ConnectionContext, ConnectorManifest, JsonSchema } from './contracts.ts';
import type { FulfillmentConnector } from './fulfillment-contract.ts';
import type { StorefrontConnector } from './storefront-contract.ts';

type Role = ConnectorManifest['role'];

/** What `defineManifest` takes: the manifest, with its schemas as TypeBox types. */
export interface ManifestInput<R extends Role, S extends TSchema, C extends TSchema>
  extends Omit<ConnectorManifest, 'role' | 'settingsSchema' | 'credentialsSchema'> {
  role: R;
  /** `connections.settings` (not secret: URLs, modes, mappings). */
  settings: S;
  /** The credentials (encrypted at rest, never logged, never returned by the API). */
  credentials: C;
}

/** A manifest that still knows the TypeBox types of its schemas. */
export type TypedManifest<R extends Role, S extends TSchema, C extends TSchema> = ConnectorManifest & {
  role: R;
  settingsSchema: S & JsonSchema;
  credentialsSchema: C & JsonSchema;
};

/** The settings type of a typed manifest. */
// biome-ignore lint/suspicious/noExplicitAny: matches any role and schema; only the settings type is read
export type SettingsOf<M> = M extends TypedManifest<any, infer S, any> ? Static<S> : never;
/** The credentials type of a typed manifest. */
// biome-ignore lint/suspicious/noExplicitAny: matches any role and schema; only the credentials type is read
export type CredentialsOf<M> = M extends TypedManifest<any, any, infer C> ? Static<C> : never;
/** The `ConnectionContext` every method of a connector with this manifest receives. */
export type ContextOf<M> = ConnectionContext<SettingsOf<M>, CredentialsOf<M>>;

/**
 * A connector manifest whose settings and credentials schemas are TypeBox schemas; the connector
 * built on it with `defineStorefront` or `defineFulfillment` gets contexts typed by them.
 *
 * @example
 * const manifest = defineManifest({
 *   name: 'acme', displayName: 'Acme', role: 'storefront',
 *   settings: Type.Object({ shopUrl: Type.String() }, { additionalProperties: false }),
 *   credentials: Type.Object({ token: Type.String({ minLength: 1 }) }),
 *   rateLimit: { concurrency: 2, intervalMs: 1000, intervalCap: 4 },
 * });
 */
export function defineManifest<R extends Role, S extends TSchema, C extends TSchema>(
  input: ManifestInput<R, S, C>,
): TypedManifest<R, S, C> {
  const { settings, credentials, ...rest } = input;
  // A TypeBox schema is a JSON Schema object; its interface only lacks the index signature.
  return {
    ...rest,
    settingsSchema: settings as S & JsonSchema,
    credentialsSchema: credentials as C & JsonSchema,
  };
}

/**
 * A storefront connector whose methods receive contexts typed by its manifest's schemas.
 *
 * @example
 * export const acme = defineStorefront(manifest, {
 *   verifyWebhook: (request, context) =>
 *     verifyHmacSignature(request, { header: 'x-acme-hmac', secrets: [context.credentials.secret], encoding: 'hex' }),
 *   // parseWebhook, toEvents, writeTracking, publishStock, pollSince ...
 * });
 */
export function defineStorefront<M extends TypedManifest<'storefront', TSchema, TSchema>>(
  manifest: M,
  connector: Omit<StorefrontConnector<SettingsOf<M>, CredentialsOf<M>>, 'manifest'>,
): StorefrontConnector<SettingsOf<M>, CredentialsOf<M>> {
  return { manifest, ...connector };
}

/**
 * A fulfillment connector whose methods receive contexts typed by its manifest's schemas.
 *
 * @example
 * export const acme = defineFulfillment(manifest, {
 *   async fetchStock(context) {
 *     const response = await acmeApi(context.settings.baseUrl, context.credentials.apiKey)({ method: 'GET', path: 'stock' });
 *     return stockLevels(response.body);
 *   },
 *   // verifyWebhook, parseWebhook, toEvents, submitShipment, findShipment, cancelShipment, pollSince ...
 * });
 */
export function defineFulfillment<M extends TypedManifest<'fulfillment', TSchema, TSchema>>(
  manifest: M,
  connector: Omit<FulfillmentConnector<SettingsOf<M>, CredentialsOf<M>>, 'manifest'>,
): FulfillmentConnector<SettingsOf<M>, CredentialsOf<M>> {
  return { manifest, ...connector };
}

const ajv = new Ajv({ allErrors: false, strict: false, allowUnionTypes: true });
addFormats.default(ajv);
const validators = new WeakMap<TSchema, ValidateFunction>();

/**
 * A connection's `state` read through a schema of its properties: each property that fits its
 * schema is kept, one that is absent or does not fit (written by an older version, or damaged) is
 * left out, so the connector treats it as never saved instead of trusting a wrong type. Declare
 * every property `Type.Optional`.
 *
 * @example
 * const WooState = Type.Object({ connectedAt: Type.Optional(Type.String({ format: 'date-time' })) });
 * const state = readState(WooState, context.state);
 * state.connectedAt; // string | undefined
 */
export function readState<T extends TObject>(schema: T, state: Record<string, unknown>): Partial<Static<T>> {
  const read: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties as Record<string, TSchema>)) {
    if (!(name in state)) continue;
    let validate = validators.get(property);
    if (!validate) {
      validate = ajv.compile(property);
      validators.set(property, validate);
    }
    if (validate(state[name])) read[name] = state[name];
  }
  // Every kept property was checked against its own schema just above.
  return read as Partial<Static<T>>;
}
