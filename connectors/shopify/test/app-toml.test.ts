/** shopify.app.toml declares what the connector handles, so app-specific subscriptions and the code agree. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MINIMUM_SCOPES, PINNED_API_VERSION } from '../app-config.ts';
import { COMPLIANCE_TOPICS } from '../parse-webhook.ts';
import { webhookTopicsFor } from '../setup-shop.ts';

const toml = readFileSync(new URL('../shopify.app.toml', import.meta.url), 'utf8');
const listed = (key: string) =>
  [...toml.matchAll(new RegExp(`^\\s*${key} = \\[([^\\]]*)\\]`, 'gm'))].flatMap((match) =>
    [...(match[1] ?? '').matchAll(/"([^"]+)"/g)].map((topic) => topic[1]),
  );
/** `ORDERS_CREATE` → `orders/create`, `FULFILLMENT_ORDERS_…` → `fulfillment_orders/…`. */
const restTopic = (graphqlTopic: string) =>
  graphqlTopic.toLowerCase().replace(/^(app|orders|inventory_levels|fulfillment_orders)_/, '$1/');

describe('shopify.app.toml', () => {
  it('subscribes every topic either mode subscribes per shop, and the three compliance topics', () => {
    const modes = [webhookTopicsFor('fulfillment_service', true), webhookTopicsFor('merchant_managed', true)];
    const wanted = new Set(modes.flat().map(restTopic));
    expect(new Set(listed('topics'))).toEqual(wanted);
    expect(listed('compliance_topics')).toEqual([...COMPLIANCE_TOPICS]);
  });

  it('pins the API version and asks for no more than both modes need', () => {
    expect(toml).toContain(`api_version = "${PINNED_API_VERSION}"`);
    const scopes = /^scopes = "([^"]+)"/m.exec(toml)?.[1]?.split(',') ?? [];
    expect(new Set(scopes)).toEqual(
      new Set([...MINIMUM_SCOPES.fulfillment_service, ...MINIMUM_SCOPES.merchant_managed]),
    );
  });
});
