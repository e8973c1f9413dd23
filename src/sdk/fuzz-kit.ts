/**
 * For connector tests: property tests (fast-check) of a connector's mapping, proving that nothing
 * a sender puts in a numeric field reaches the database unchecked. Put arbitrary values in the
 * numbers of a real payload; the delivery must then be refused at the door (MalformedPayloadError,
 * which the hub answers with 400), or map to canonical events the hub can store. Anything else (a
 * RangeError, a TypeError, an event the hub's check refuses) would be a 500 or a poison job.
 */
import fc from 'fast-check';
import { canonicalEventProblem } from './canonical-schema.ts';
import type { CanonicalEvent } from './contracts.ts';
import { MalformedPayloadError } from './errors.ts';
import { LIMITS } from './payload.ts';

// Why the cast: JSON.rawJSON (Node 21+) is not yet in TypeScript's lib typings.
const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

/** An integer of any size as its exact JSON digits (as a platform with 64-bit ids sends it). */
const bigInteger = fc
  .bigInt({ min: -(10n ** 30n), max: 10n ** 30n })
  .map((value) => rawJson(value.toString()) as number);

/** The integers where ranges end, and their neighbours. */
const edges = fc.constantFrom(
  0,
  -1,
  1,
  LIMITS.quantity.max,
  LIMITS.quantity.max + 1,
  LIMITS.stock.min,
  LIMITS.stock.min - 1,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  2 ** 53,
  1e12,
  1e21,
  -1e21,
);

/**
 * What a sender may put where the platform documents an integer.
 *
 * @example
 * fc.assert(fc.asyncProperty(numberValue(), async (quantity) => {
 *   const body = fixture();
 *   setAt(body, ['line_items', 0, 'quantity'], quantity);
 *   await expectRefusedOrStorable(() => parse(body), () => map(body));
 * }));
 */
export function numberValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: edges, weight: 3 },
    { arbitrary: fc.integer(), weight: 2 },
    { arbitrary: fc.maxSafeInteger(), weight: 2 },
    { arbitrary: bigInteger, weight: 2 },
    { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }), weight: 2 },
    { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
    { arbitrary: fc.constantFrom(null, true, '1', '', [], {}), weight: 1 },
  );
}

/**
 * A decimal string of any size and precision, the way amounts travel, sometimes negative.
 *
 * @example
 * fc.assert(fc.property(decimalText(), (amount) => { minorUnits(amount, 'EUR', 'total'); }));
 */
export function decimalText(): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.boolean(),
      fc.bigInt({ min: 0n, max: 10n ** 25n }),
      fc.option(fc.stringMatching(/^\d{1,8}$/), { nil: undefined }),
    )
    .map(([negative, whole, fraction]) => `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`);
}

/**
 * What a sender may put where the platform documents an amount (a decimal string, or a number).
 *
 * @example
 * setAt(body, ['total_price'], fc.sample(amountValue(), 1)[0]);
 */
export function amountValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: decimalText(), weight: 4 },
    { arbitrary: fc.constantFrom('90071992547409.91', '90071992547409.92', '9007199254740.991'), weight: 1 },
    { arbitrary: numberValue(), weight: 2 },
    { arbitrary: fc.string({ maxLength: 20 }), weight: 1 },
  );
}

/**
 * The property itself: the door refuses the delivery with MalformedPayloadError, or accepts it
 * and it maps (without throwing) to events the hub's own check passes, whose numbers are in range.
 * Returns the events, or null when the door refused.
 *
 * @example
 * await expectRefusedOrStorable(
 *   () => connector.parseWebhook(request, context),
 *   () => connector.toEvents({ topic, ...request }, context),
 * );
 */
export async function expectRefusedOrStorable(
  door: () => unknown,
  map: () => CanonicalEvent[] | Promise<CanonicalEvent[]>,
): Promise<CanonicalEvent[] | null> {
  try {
    door();
  } catch (error) {
    if (error instanceof MalformedPayloadError) return null;
    throw new Error(`the door threw ${describe(error)} instead of MalformedPayloadError`, { cause: error });
  }
  let events: CanonicalEvent[];
  try {
    events = await map();
  } catch (error) {
    throw new Error(`the door accepted a delivery that its mapping then failed on: ${describe(error)}`, {
      cause: error,
    });
  }
  for (const event of events) {
    const problem = canonicalEventProblem(event);
    if (problem) throw new Error(`the door accepted a delivery the hub cannot apply: ${problem}`);
    for (const value of numbersOf(event)) {
      if (!Number.isSafeInteger(value.value))
        throw new Error(`${value.path} = ${value.value} is not an exact integer`);
    }
  }
  return events;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Every number a canonical event carries outside its opaque `sourceData`. */
function numbersOf(value: unknown, path = 'event'): { path: string; value: number }[] {
  if (typeof value === 'number') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => numbersOf(item, `${path}/${index}`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([name, item]) =>
      name === 'sourceData' ? [] : numbersOf(item, `${path}/${name}`),
    );
  }
  return [];
}

/**
 * What a sender may put where the platform documents a timestamp: real instants with any offset
 * PostgreSQL reads, and the edges it does not (offsets past ±15:59, leap seconds, year 0, junk).
 *
 * @example
 * fc.assert(fc.asyncProperty(timestampValue(), async (updatedAt) => {
 *   setAt(body, ['updated_at'], updatedAt);
 *   await expectRefusedOrStorable(door, map);
 * }));
 */
export function timestampValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: instantText(), weight: 4 },
    {
      arbitrary: fc.constantFrom(
        '2024-06-30T23:59:60Z',
        '0000-01-01T00:00:00Z',
        '0001-01-01T00:00:00+15:59',
        '2024-02-30T00:00:00Z',
        '2024-01-01T00:00:00+24:00',
        '2024-01-01',
        '',
      ),
      weight: 2,
    },
    { arbitrary: fc.string({ maxLength: 30 }), weight: 1 },
  );
}

/**
 * An RFC 3339 instant from 1900 to 9999, with a zone offset anywhere in ±23:59.
 *
 * @example
 * fc.sample(instantText({ maxOffsetMinutes: 0 }), 1); // ['1987-03-04T05:06:07+00:00']
 */
export function instantText(options: { maxOffsetMinutes?: number } = {}): fc.Arbitrary<string> {
  const maxOffset = options.maxOffsetMinutes ?? 23 * 60 + 59;
  return fc
    .tuple(
      fc.date({
        min: new Date('1900-01-02T00:00:00Z'),
        max: new Date('9999-12-30T00:00:00Z'),
        noInvalidDate: true,
      }),
      fc.integer({ min: -maxOffset, max: maxOffset }),
    )
    .map(([date, offsetMinutes]) => {
      const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19);
      const sign = offsetMinutes < 0 ? '-' : '+';
      const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
      const minutes = String(Math.abs(offsetMinutes) % 60).padStart(2, '0');
      return `${local}${sign}${hours}:${minutes}`;
    });
}

/**
 * Sets `value` at `path` in a payload (made fresh for each run: fixtures keep exact big ids).
 *
 * @example
 * setAt(body, ['line_items', 0, 'quantity'], 2 ** 31);
 */
export function setAt(target: unknown, path: readonly (string | number)[], value: unknown): void {
  let node = target as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
}
