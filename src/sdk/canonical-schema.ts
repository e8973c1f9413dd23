/**
 * Checking canonical events against their schemas (`canonical-events.ts`): what every connector's
 * mapping must produce. The hub checks each event before applying it, so a connector's mapping bug
 * parks a delivery with a clear message instead of writing a half-right order. Its ranges are the
 * database's (LIMITS): whatever passes here, the database stores.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { canonicalEventVariants } from './canonical-events.ts';
import { isInstant, isStorableText } from './payload.ts';

export { canonicalEventSchema } from './canonical-events.ts';

const ajv = new Ajv({ allErrors: false, strict: false });
addFormats.default(ajv);
ajv.addFormat('instant', { type: 'string', validate: isInstant });
// One validator per event type: checked against its own variant, an event's problem reads as the
// one field that is wrong, not as every variant of the union it failed to be.
const validators = new Map<string, ValidateFunction>(
  Object.entries(canonicalEventVariants).map(([type, schema]) => [type, ajv.compile(schema)] as const),
);

/**
 * Null when the event is well-formed; otherwise what is wrong with it, for a person to read.
 *
 * @example
 * const problem = canonicalEventProblem(event);
 * if (problem) throw new MalformedPayloadError(problem); // "order.upserted: event/order/lines/0/quantity must be <= 2147483647"
 */
export function canonicalEventProblem(event: unknown): string | null {
  const type = (event as { type?: unknown } | null)?.type;
  const validate = typeof type === 'string' ? validators.get(type) : undefined;
  if (!validate) return `not a canonical event type: ${JSON.stringify(type ?? null)}`;
  if (!validate(event)) {
    return `${type}: ${ajv.errorsText(validate.errors, { dataVar: 'event' })}`;
  }
  const repeated =
    type === 'order.upserted'
      ? repeatedLineId(event as { order: { lines: { sourceLineId: string }[] } })
      : null;
  if (repeated !== null)
    return `${type}: event/order/lines has the line id ${JSON.stringify(repeated)} twice`;
  const unstorable = unstorableText(event, 'event');
  return unstorable ? `${String(type)}: ${unstorable}` : null;
}

/** Lines are stored one row per line id: a repeated id is refused by a unique key, and retried. */
function repeatedLineId(event: { order: { lines: { sourceLineId: string }[] } }): string | null {
  const seen = new Set<string>();
  for (const { sourceLineId } of event.order.lines) {
    if (seen.has(sourceLineId)) return sourceLineId.slice(0, 40);
    seen.add(sourceLineId);
  }
  return null;
}

/**
 * PostgreSQL stores no NUL character (in text or jsonb), and jsonb refuses a lone UTF-16
 * surrogate: any string anywhere in an event, the opaque `sourceData` included, must be free of both.
 */
function unstorableText(value: unknown, path: string): string | null {
  if (typeof value === 'string') {
    return isStorableText(value) ? null : `${path} holds a NUL character or a broken surrogate pair`;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = unstorableText(item, `${path}/${index}`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [name, item] of Object.entries(value)) {
      const found = unstorableText(name, `${path}/${name}`) ?? unstorableText(item, `${path}/${name}`);
      if (found) return found;
    }
  }
  return null;
}
