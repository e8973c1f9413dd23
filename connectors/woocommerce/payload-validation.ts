/**
 * Every WooCommerce payload the connector reads is checked against a JSON schema first, so a
 * surprise fails loudly at the boundary instead of as `undefined` deep in the hub. Schemas list
 * only the fields we use and leave additional properties open: stores run dozens of plugins that add
 * fields, and WooCommerce adds its own with every release.
 */
import { Ajv } from 'ajv';
import { type JsonSchema, MalformedPayloadError, RetryableError } from '../../src/sdk/index.ts';

const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });

export interface Payload<T> {
  /** A webhook body we cannot read: MalformedPayloadError, which the hub answers with 400. */
  fromWebhook(value: unknown): T;
  /**
   * An API answer we cannot rely on: RetryableError, because it is usually transient (a caching
   * proxy, a plugin mid-update); the hub's retry limit catches the ones that are not.
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

/** Parses a webhook body; anything but JSON is malformed. */
export function readJsonBody(rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString('utf8'));
  } catch (error) {
    throw new MalformedPayloadError('the body is not JSON', { cause: error });
  }
}

// Building blocks. WooCommerce ids are integers; `_gmt` dates are UTC without a zone designator.
export const id = { type: 'integer', minimum: 0 } as const;
export const gmtDate = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}' } as const;
export const nullableGmtDate = {
  type: ['string', 'null'],
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}',
} as const;
export const looseString = { type: ['string', 'null'] } as const;
