/**
 * Every payload a connector relies on is checked against a JSON schema before it is read, so a
 * surprise from the remote side fails loudly at the boundary instead of as `undefined` deep in the
 * hub. Schemas list only the fields used and leave `additionalProperties` open: a platform adding a
 * field must not break an integration.
 */
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { JsonSchema } from './contracts.ts';
import { MalformedPayloadError, RetryableError } from './errors.ts';

// ajv-formats is CommonJS; under NodeNext its plugin is the `default` property of the import.
const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
addFormats.default(ajv, ['date-time', 'uri']);

export interface Payload<T> {
  /** A webhook body the connector cannot read: MalformedPayloadError, which the hub answers with 400. */
  fromWebhook(value: unknown): T;
  /**
   * An API answer the connector cannot rely on: RetryableError, because it is usually transient (a
   * proxy's error page, a deploy in progress); the hub's retry limit catches the ones that are not.
   */
  fromResponse(value: unknown, request: string): T;
  /** Whether the value fits, for payloads whose shape decides what they are (an error body). */
  matches(value: unknown): value is T;
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
        throw new RetryableError('invalid_response', `${request}: ${problems()}`.slice(0, 1000), { request });
      }
      return value;
    },
    matches(value): value is T {
      return validate(value);
    },
  };
}

/**
 * Parses JSON without losing precision: platform ids can exceed 2^53 (Shopify's `820982911946154508`
 * would become `...500`), so every integer beyond the safe range is kept as the exact digits it was
 * sent as. Other numbers are untouched.
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

// Building blocks for payload schemas.
export const nullableString = { type: ['string', 'null'] } as const;
export const nonEmptyString = { type: 'string', minLength: 1 } as const;
export const timestamp = { type: 'string', format: 'date-time' } as const;
