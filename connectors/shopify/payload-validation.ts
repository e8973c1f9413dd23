/**
 * The SDK's payload checks (src/sdk/payload.ts: schema-checked webhook bodies and API answers,
 * lossless JSON for ids beyond 2^53), plus the building blocks of Shopify's shapes.
 */
import { MalformedPayloadError, timestamp } from '../../src/sdk/index.ts';

export {
  definePayload,
  nullableString,
  type Payload,
  parseJsonLossless,
  quantity,
  readJsonBody,
  stockCount,
  timestamp,
} from '../../src/sdk/index.ts';

// Building blocks for the schemas.
export const nullableTimestamp = { anyOf: [timestamp, { type: 'null' }] } as const;
/** Money as a decimal string; its range (in minor units of its currency) is checked by the mapping. */
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
