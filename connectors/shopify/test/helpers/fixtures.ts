// biome-ignore-all lint/suspicious/noExplicitAny: Shopify payloads and test state are handled loosely here, as the tests do.
/**
 * The payload fixtures (copied from Shopify's 2026-07 webhook reference and the app template) and
 * variants built from them. The fixtures' own bytes are used wherever a signature is checked;
 * variants are re-serialized with every id beyond 2^53 kept exact (JSON.rawJSON).
 */
import { readFileSync } from 'node:fs';

export const SHOP = 'hub-test.myshopify.com';
export const API_KEY = 'testapikey0123456789';
export const API_SECRET = 'test-api-secret-0123456789abcdef';

export function fixtureBytes(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
}

const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

/** Parses keeping big integers exact, so a variant serializes them back as the same digits. */
export function parseExact<T = any>(bytes: Buffer | string): T {
  return JSON.parse(bytes.toString(), (_key, value, context?: { source?: string }) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && Number.isInteger(value) && context?.source
      ? rawJson(context.source)
      : value,
  ) as T;
}

export function serialize(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/**
 * The reference order `#9999` is a cancelled, voided test order. Tests need open, paid ones: this
 * builds one from it (paid, not cancelled, updated at the given time) and applies `change`.
 */
export function paidOrder(
  change: (order: any) => void = () => {},
  updatedAt = '2026-11-20T10:00:00-05:00',
): any {
  const order = parseExact(fixtureBytes('orders_create.json'));
  order.financial_status = 'paid';
  order.cancelled_at = null;
  order.cancel_reason = null;
  order.updated_at = updatedAt;
  order.created_at = '2026-11-20T09:59:00-05:00';
  change(order);
  return order;
}
