/**
 * HMAC verification of deliveries: signed over the exact bytes with the app secret, compared in
 * constant time, failing closed. Each answer is held to what @shopify/shopify-api's own validators
 * (`webhooks.validate`, `fulfillmentService.validate`) say about the same request.
 */
import { describe, expect, it } from 'vitest';
import type { InboundRequest } from '../../../src/sdk/index.ts';
import { createShopifyLibrary } from '../shopify-library.ts';
import { verifyShopifyDelivery } from '../verify-webhook.ts';
import { testAppConfig } from './helpers/connector-deps.ts';
import { delivery, notification, sign } from './helpers/deliveries.ts';
import { API_SECRET, fixtureBytes, SHOP } from './helpers/fixtures.ts';

const library = createShopifyLibrary(testAppConfig());
const connection = { externalAccount: SHOP };
const verify = (request: InboundRequest, secrets = [API_SECRET]) =>
  verifyShopifyDelivery(request, connection, secrets);

async function libraryWebhookVerdict(request: InboundRequest) {
  const result = await library.webhooks.validate({
    rawBody: request.rawBody.toString('utf8'),
    rawRequest: { headers: request.headers, method: 'POST', url: '/webhooks/shopify' },
    rawResponse: {},
  } as never);
  return result.valid;
}

async function libraryFulfillmentServiceVerdict(request: InboundRequest) {
  const result = await library.fulfillmentService.validate({
    rawBody: request.rawBody.toString('utf8'),
    rawRequest: { headers: request.headers, method: 'POST', url: '/fulfillment_order_notification' },
    rawResponse: {},
  } as never);
  return result.valid;
}

describe('verifying webhook deliveries', () => {
  const body = fixtureBytes('orders_create.json');

  it('accepts the fixture’s exact bytes signed with the app secret', async () => {
    const request = delivery(body, { topic: 'orders/create' });
    expect(verify(request)).toEqual({ ok: true });
    expect(await libraryWebhookVerdict(request)).toBe(true);
  });

  it('refuses a bad signature (the body changed, or another secret signed it)', async () => {
    const tampered = {
      ...delivery(body, { topic: 'orders/create' }),
      rawBody: Buffer.from(body.toString().replace('#9999', '#9998')),
    };
    expect(verify(tampered)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(await libraryWebhookVerdict(tampered)).toBe(false);
    const otherSecret = delivery(body, { topic: 'orders/create', secret: 'another-app-secret-0123456789' });
    expect(verify(otherSecret)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(await libraryWebhookVerdict(otherSecret)).toBe(false);
  });

  it('refuses a delivery without a signature', async () => {
    const unsigned = delivery(body, { topic: 'orders/create', hmac: null });
    expect(verify(unsigned)).toMatchObject({ ok: false, reason: 'missing_signature' });
    expect(await libraryWebhookVerdict(unsigned)).toBe(false);
  });

  it('fails closed when the app has no secret configured', () => {
    expect(verify(delivery(body, { topic: 'orders/create' }), [])).toMatchObject({
      ok: false,
      reason: 'missing_secret',
    });
  });

  it('signs the bytes, not the JSON: re-serializing breaks the signature (ids beyond 2^53, escaped slashes)', () => {
    // Shopify escapes "/" as "\/"; JSON.parse + JSON.stringify unescapes it and rounds big ids.
    const raw = Buffer.from('{"id":820982911946154508,"note":"gift wrap \\/ no invoice"}');
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(raw.toString())));
    expect(reserialized.toString()).toBe('{"id":820982911946154500,"note":"gift wrap / no invoice"}');
    const request = delivery(raw, { topic: 'orders/updated' });
    expect(verify(request)).toEqual({ ok: true });
    expect(verify({ ...request, rawBody: reserialized })).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('accepts the previous secret during a rotation', () => {
    const previous = 'the-secret-before-rotation-0001';
    const request = delivery(body, { topic: 'orders/create', secret: previous });
    expect(verify(request)).toMatchObject({ ok: false });
    expect(verify(request, [API_SECRET, previous])).toEqual({ ok: true });
  });

  it('refuses a delivery for another shop sent to this shop’s connection', () => {
    const request = delivery(body, { topic: 'orders/create', shop: 'someone-else.myshopify.com' });
    expect(verify(request)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('verifies the compliance topics the same way (a bad HMAC must get a 401)', async () => {
    for (const [topic, file] of [
      ['customers/data_request', 'customers_data_request.json'],
      ['customers/redact', 'customers_redact.json'],
      ['shop/redact', 'shop_redact.json'],
    ] as const) {
      const good = delivery(fixtureBytes(file), { topic });
      expect(verify(good)).toEqual({ ok: true });
      expect(await libraryWebhookVerdict(good)).toBe(true);
      const bad = delivery(fixtureBytes(file), { topic, hmac: sign('something else') });
      expect(verify(bad)).toMatchObject({ ok: false, reason: 'bad_signature' });
    }
  });
});

describe('verifying fulfillment service notifications', () => {
  it('accepts a notification signed with the app secret, as the library’s fulfillment-service check does', async () => {
    const { body, headers } = notification('FULFILLMENT_REQUEST');
    const request = { headers, rawBody: body };
    expect(verify(request)).toEqual({ ok: true });
    // Where Shopify posts it: the sub-path is not signed and does not change the verdict.
    expect(verify({ ...request, subPath: '/fulfillment_order_notification' })).toEqual({ ok: true });
    expect(await libraryFulfillmentServiceVerdict(request)).toBe(true);
    // The webhook check would refuse it: a notification has no topic or webhook id headers.
    expect(await libraryWebhookVerdict(request)).toBe(false);
  });

  it('refuses a forged or unsigned notification', async () => {
    const { body, headers } = notification('CANCELLATION_REQUEST');
    const forged = {
      headers: { ...headers, 'x-shopify-hmac-sha256': sign(body, 'not-the-secret-0123456789') },
      rawBody: body,
    };
    expect(verify(forged)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(await libraryFulfillmentServiceVerdict(forged)).toBe(false);
    const { 'x-shopify-hmac-sha256': _dropped, ...unsignedHeaders } = headers;
    expect(verify({ headers: unsignedHeaders, rawBody: body })).toMatchObject({
      ok: false,
      reason: 'missing_signature',
    });
    expect(await libraryFulfillmentServiceVerdict({ headers: unsignedHeaders, rawBody: body })).toBe(false);
  });
});
