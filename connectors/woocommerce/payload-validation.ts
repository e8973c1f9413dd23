/**
 * The SDK's payload checks (src/sdk/payload.ts): every WooCommerce payload the connector reads is
 * checked against a JSON schema first. Stores run dozens of plugins that add fields, so schemas list
 * only the fields used and leave the rest open.
 */
export { definePayload, type Payload, readJsonBody } from '../../src/sdk/index.ts';

// Building blocks. WooCommerce ids are integers; `_gmt` dates are UTC without a zone designator.
export const id = { type: 'integer', minimum: 0 } as const;
export const gmtDate = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}' } as const;
export const nullableGmtDate = {
  type: ['string', 'null'],
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}',
} as const;
export const looseString = { type: ['string', 'null'] } as const;
