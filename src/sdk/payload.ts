/**
 * Every payload a connector relies on is checked against a JSON schema before it is read, so a
 * surprise from the remote side fails loudly at the boundary instead of as `undefined` deep in the
 * hub. Schemas list only the fields used and leave `additionalProperties` open: a platform adding a
 * field must not break an integration.
 */
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { LIMITS, type Limit } from '../domain/limits.ts';
import { decimalToMinor } from '../domain/money.ts';
import type { JsonSchema } from './contracts.ts';
import { MalformedPayloadError, RetryableError } from './errors.ts';

// ajv-formats is CommonJS; under NodeNext its plugin is the `default` property of the import.
const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
addFormats.default(ajv, ['date-time', 'uri']);

export interface Payload<T> {
  /**
   * A webhook body the connector cannot read: MalformedPayloadError, which the hub answers with 400.
   *
   * @example
   * const order = acmeOrder.fromWebhook(readJsonBody(request.rawBody));
   */
  fromWebhook(value: unknown): T;
  /**
   * An API answer the connector cannot rely on: RetryableError, because it is usually transient (a
   * proxy's error page, a deploy in progress); the hub's retry limit catches the ones that are not.
   *
   * @example
   * const order = acmeOrder.fromResponse(response.body, 'GET /orders/1');
   */
  fromResponse(value: unknown, request: string): T;
  /**
   * Whether the value fits, for payloads whose shape decides what they are (an error body).
   *
   * @example
   * if (acmeError.matches(response.body)) throw new NeedsHumanError(response.body.code, response.body.message);
   */
  matches(value: unknown): value is T;
}

/**
 * Binds a schema to the TypeScript type it guarantees; keep the two side by side and in step.
 *
 * @example
 * interface AcmeOrder { id: string; total: string }
 * const acmeOrder = definePayload<AcmeOrder>('order', {
 *   type: 'object', required: ['id', 'total'], properties: { id: nonEmptyString, total: { type: 'string' } },
 * });
 * const order = acmeOrder.fromWebhook(readJsonBody(request.rawBody));
 */
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
 *
 * @example
 * parseJsonLossless('{"id":820982911946154508}'); // { id: '820982911946154508' }
 */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value) && context?.source
      ? context.source
      : value,
  );
}

/**
 * A webhook body; anything but JSON is malformed.
 *
 * @example
 * const body = readJsonBody(request.rawBody); // MalformedPayloadError unless JSON
 */
export function readJsonBody(rawBody: Buffer): unknown {
  try {
    return parseJsonLossless(rawBody.toString('utf8'));
  } catch (error) {
    throw new MalformedPayloadError('the body is not JSON', { cause: error });
  }
}

// The ranges live with the canonical model; re-exported here, where connectors have always found them.
export { LIMITS, type Limit } from '../domain/limits.ts';

/**
 * Throws MalformedPayloadError naming the field unless the value is an integer within the limit.
 *
 * @example
 * const quantity = checkedInteger(line.quantity, 'quantity', 'line_items/0/quantity');
 */
export function checkedInteger(value: unknown, limit: Limit, field: string): number {
  const { min, max } = LIMITS[limit];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new MalformedPayloadError(`${field}: ${describeValue(value)} is not an integer in ${min}..${max}`);
  }
  return value;
}

/**
 * A decimal amount (`"19.99"`, or a number where a platform sends one) in integer minor units of
 * the currency, or MalformedPayloadError naming the field: not an amount, or beyond what the hub
 * can hold exactly.
 *
 * @example
 * minorUnits('19.99', 'EUR', 'total_price'); // 1999
 * minorUnits('500', 'JPY', 'total_price'); // 500
 */
export function minorUnits(amount: unknown, currency: string, field: string): number {
  const { max } = LIMITS.minor;
  let minor: number;
  try {
    if (typeof amount !== 'string' && typeof amount !== 'number') throw new RangeError('not an amount');
    minor = decimalToMinor(amount, currency);
  } catch (error) {
    const decimal = /^\s*-?\d+(\.\d*)?\s*$/.test(String(amount));
    throw new MalformedPayloadError(
      decimal
        ? `${field}: ${describeValue(amount)} is out of range (at most ±${max} minor units of ${currency})`
        : `${field}: ${describeValue(amount)} is not an amount`,
      { cause: error },
    );
  }
  return checkedInteger(minor, 'minor', `${field} in minor units of ${currency}`);
}

/**
 * Whether PostgreSQL can store the string as it is: text and jsonb hold no NUL character, and jsonb
 * refuses a lone UTF-16 surrogate. With a maximum length, for values in a btree index (which
 * refuses rows over 2,704 bytes).
 *
 * @example
 * isStorableText('a\u0000b'); // false
 * isStorableText(sku, 255); // false when longer than an index can hold
 */
export function isStorableText(value: string, maxLength = Number.POSITIVE_INFINITY): boolean {
  return value.length <= maxLength && !value.includes('\u0000') && value.isWellFormed();
}

/** A value as a reason can quote it: short, and never a whole object. */
function describeValue(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

const validateDateTime = ajv.compile<string>({ type: 'string', format: 'date-time' });

/**
 * An instant both JavaScript and PostgreSQL read, and read the same: RFC 3339 (the `date-time`
 * format, day of month included), a year from 1900 to 9999 (nothing was ordered before, and
 * PostgreSQL would turn an early year with an offset into a date BC), seconds below 60 (`Date`
 * refuses the leap second PostgreSQL rolls over) and a zone offset within PostgreSQL's ±15:59.
 *
 * @example
 * isInstant('2025-01-01T10:00:00+02:00'); // true
 * isInstant('2016-12-31T23:59:60Z'); // false: Date refuses the leap second
 */
export function isInstant(value: string): boolean {
  const match = /^(\d{4})-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):?\d{2})$/.exec(
    value,
  );
  return (
    match !== null &&
    validateDateTime(value) &&
    Number(match[1]) >= 1900 &&
    Number(match[2]) < 60 &&
    Number(match[3] ?? 0) <= 15 &&
    Number.isFinite(Date.parse(value))
  );
}
ajv.addFormat('instant', { type: 'string', validate: isInstant });

/**
 * Building blocks for payload schemas.
 *
 * @example
 * properties: { note: nullableString, id: nonEmptyString, updated_at: timestamp, quantity, available: stockCount }
 */
export const nullableString = { type: ['string', 'null'] } as const;
export const nonEmptyString = { type: 'string', minLength: 1 } as const;
export const timestamp = { type: 'string', format: 'instant' } as const;
/** A count of units on an order line. */
export const quantity = {
  type: 'integer',
  minimum: LIMITS.quantity.min,
  maximum: LIMITS.quantity.max,
} as const;
/** A stock level: what is available to sell, negative when oversold. */
export const stockCount = { type: 'integer', minimum: LIMITS.stock.min, maximum: LIMITS.stock.max } as const;
