/**
 * Every payload the connector relies on, from a webhook or an API answer, is checked against a
 * JSON schema before it is read. Schemas list only the fields we use and leave additional
 * properties open: Shopify adds fields every quarter, and that must break nothing.
 */
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { type JsonSchema, MalformedPayloadError, RetryableError } from '../../src/sdk/index.ts';

// ajv-formats is CommonJS; under NodeNext its plugin is the `default` property of the import.
const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
addFormats.default(ajv, ['date-time', 'uri']);

export interface Payload<T> {
  /** A webhook body we cannot read: MalformedPayloadError, which the hub answers with 400. */
  fromWebhook(value: unknown): T;
  /**
   * An API answer we cannot rely on: RetryableError, because it is usually transient (a proxy's
   * error page, a deploy in progress); the hub's retry limit catches the ones that are not.
   */
  fromResponse(value: unknown, request: string): T;
  /** For values we read back from our own storage. */
  is(value: unknown): value is T;
}

/** Binds a schema to the TypeScript type it guarantees; keep the two side by side and in step. */
export function definePayload<T>(description: string, schema: JsonSchema): Payload<T> {
  const validate = ajv.compile<T>(schema);
  const problems = () => ajv.errorsText(validate.errors, { dataVar: description });
  return {
    fromWebhook(value) {
      if (!validate(value)) throw new MalformedPayloadError(problems());
      return value;
    },
    fromResponse(value, request) {
      if (!validate(value)) {
        throw new RetryableError('invalid_response', `${request}: ${problems()}`, { request });
      }
      return value;
    },
    is(value): value is T {
      return validate(value);
    },
  };
}

/**
 * Parses JSON without losing precision: Shopify's ids exceed 2^53 (`820982911946154508` would
 * become `...500`), so every integer beyond the safe range is kept as the exact digits it was
 * sent as. Other numbers are untouched (quantities, prices stay what they were).
 */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value) && context?.source
      ? context.source
      : value,
  );
}

/** A webhook body; anything but JSON is malformed. */
export function readJsonBody(rawBody: Buffer): unknown {
  try {
    return parseJsonLossless(rawBody.toString('utf8'));
  } catch (error) {
    throw new MalformedPayloadError('the body is not JSON', { cause: error });
  }
}

// Building blocks for the schemas.
export const nullableString = { type: ['string', 'null'] } as const;
export const timestamp = { type: 'string', format: 'date-time' } as const;
export const nullableTimestamp = { anyOf: [timestamp, { type: 'null' }] } as const;
/** Money as a decimal string; checked here so that decimalToMinor in the mapping cannot throw. */
export const decimal = { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$' } as const;
/** An integer id as Shopify sends it: a number when small, the exact digits (see above) when not. */
export const integerId = { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^\\d+$' }] } as const;
export const gidOf = (type: string) =>
  ({ type: 'string', pattern: `^gid://shopify/${type}/\\d+(\\?.*)?$` }) as const;

/** `gid://shopify/Order/820982911946154508` → `820982911946154508`, exactly. */
export function legacyIdOf(gid: string): string {
  const match = /^gid:\/\/shopify\/[A-Za-z]+\/(\d+)/.exec(gid);
  if (!match?.[1]) throw new MalformedPayloadError(`not a Shopify GID: ${gid}`);
  return match[1];
}

export function gidFor(type: string, legacyId: string | number): string {
  return `gid://shopify/${type}/${legacyId}`;
}
