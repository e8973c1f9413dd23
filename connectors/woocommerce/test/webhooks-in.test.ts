import { describe, expect, it } from 'vitest';
import { MalformedPayloadError } from '../../../src/sdk/index.ts';
import {
  delivery,
  fakeContext,
  fixtureJson,
  fixtureText,
  orderWith,
  phpJson,
  sign,
  testConnector,
  WEBHOOK_SECRET,
} from './helpers/woo-test-kit.ts';

const connector = testConnector();

describe('verifying deliveries', () => {
  it('accepts the raw bytes WooCommerce signed, escaped slashes and \\u escapes included', () => {
    const body = fixtureText('order.webhook-body.php-escaped.json');
    expect(body).toContain('https:\\/\\/example.com\\/wp-json');
    expect(body).toContain('Zo\\u00eb');
    expect(connector.verifyWebhook(delivery('order.created', body), fakeContext())).toEqual({ ok: true });
  });

  it('would fail on re-serialized JSON, which is why only the raw bytes are used', () => {
    const body = fixtureText('order.webhook-body.php-escaped.json');
    const reserialized = JSON.stringify(JSON.parse(body));
    expect(reserialized).not.toBe(body);
    const request = { ...delivery('order.created', body), rawBody: Buffer.from(reserialized) };
    expect(connector.verifyWebhook(request, fakeContext())).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a signature made with another secret (the REST consumer secret, say)', () => {
    const body = phpJson(fixtureJson('order.rest-v3.with-skus.json'));
    const request = delivery('order.updated', body, {
      'x-wc-webhook-signature': sign(body, 'cs_fedcba9876543210fedcba9876543210fedcba98'),
    });
    expect(connector.verifyWebhook(request, fakeContext())).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a missing signature, and a connection without a secret', () => {
    const body = phpJson(fixtureJson('order.rest-v3.with-skus.json'));
    const unsigned = delivery('order.updated', body, {
      'x-wc-webhook-signature': undefined as unknown as string,
    });
    expect(connector.verifyWebhook(unsigned, fakeContext())).toMatchObject({
      ok: false,
      reason: 'missing_signature',
    });
    const noSecret = fakeContext({ credentials: { webhookSecret: undefined } });
    expect(connector.verifyWebhook(delivery('order.updated', body), noSecret)).toMatchObject({
      ok: false,
      reason: 'missing_secret',
    });
  });

  it('lets exactly the unsigned activation ping through, and nothing else unsigned', () => {
    const ping = {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      rawBody: Buffer.from('webhook_id=142'),
    };
    expect(connector.verifyWebhook(ping, fakeContext())).toEqual({ ok: true });
    for (const body of [
      'webhook_id=142&x=1',
      'webhook_id=',
      'webhook_id=abc',
      '{"webhook_id":142}',
      ' webhook_id=142',
    ]) {
      const request = { headers: {}, rawBody: Buffer.from(body) };
      expect(connector.verifyWebhook(request, fakeContext())).toMatchObject({
        ok: false,
        reason: 'missing_signature',
      });
    }
  });

  it('compares in constant time without throwing on a short or garbled header', () => {
    const body = '{"id":1}';
    for (const header of ['x', 'not base64 at all!!', `${sign(body, WEBHOOK_SECRET)}AA`]) {
      const request = delivery('order.updated', body, { 'x-wc-webhook-signature': header });
      expect(connector.verifyWebhook(request, fakeContext())).toMatchObject({
        ok: false,
        reason: 'bad_signature',
      });
    }
  });
});

describe('parsing deliveries', () => {
  const context = fakeContext();

  it('answers the ping with nothing to apply', () => {
    const parsed = connector.parseWebhook({ headers: {}, rawBody: Buffer.from('webhook_id=142') }, context);
    expect(parsed).toMatchObject({ topic: 'ping', serialKey: null, nothingToApply: true });
  });

  it('dedupes an order on its id and modification date, whatever the topic or Delivery-ID', () => {
    const body = phpJson(fixtureJson('order.rest-v3.with-skus.json'));
    const created = connector.parseWebhook(delivery('order.created', body), context);
    const updated = connector.parseWebhook(
      delivery('order.updated', body, { 'x-wc-webhook-delivery-id': 'ffffffffffffffffffffffffffffffff' }),
      context,
    );
    expect(created).toEqual({
      topic: 'order.created',
      dedupeKey: 'order:727:2017-03-22T19:28:08',
      serialKey: 'order:727',
    });
    expect(updated.dedupeKey).toBe(created.dedupeKey);
    const newer = phpJson(orderWith({ date_modified_gmt: '2017-03-22T19:30:00' }));
    expect(connector.parseWebhook(delivery('order.updated', newer), context).dedupeKey).toBe(
      'order:727:2017-03-22T19:30:00',
    );
  });

  it('keys a product on its version and stock, and a trash on its Delivery-ID', () => {
    const variation = phpJson(fixtureJson('product-variation.webhook.with-sku.json'));
    expect(connector.parseWebhook(delivery('product.updated', variation), context)).toEqual({
      topic: 'product.updated',
      dedupeKey: 'product:732:2017-03-23T03:36:38:7',
      serialKey: 'product:732',
    });
    expect(connector.parseWebhook(delivery('order.deleted', '{"id":727}'), context)).toEqual({
      topic: 'order.deleted',
      dedupeKey: 'order:727:deleted:36e520ebabc2fa725092ff4a47acedf2',
      serialKey: 'order:727',
    });
  });

  it('records an error object WooCommerce delivered instead of the order, and answers 200', () => {
    const body =
      '{"code":"woocommerce_rest_shop_order_invalid_id","message":"Invalid ID.","data":{"status":404}}';
    expect(connector.parseWebhook(delivery('order.updated', body), context)).toMatchObject({
      nothingToApply: true,
    });
  });

  it('records topics it did not subscribe to instead of failing them (failures disable webhooks)', () => {
    expect(connector.parseWebhook(delivery('coupon.created', '{"id":1}'), context)).toMatchObject({
      topic: 'coupon.created',
      nothingToApply: true,
    });
    expect(
      connector.parseWebhook(
        delivery('action.woocommerce_order_status_completed', '{"action":"x","arg":1}'),
        context,
      ),
    ).toMatchObject({ nothingToApply: true });
  });

  it('refuses a body it cannot read', () => {
    expect(() => connector.parseWebhook(delivery('order.updated', 'not json'), context)).toThrow(
      MalformedPayloadError,
    );
    expect(() => connector.parseWebhook(delivery('order.updated', '{"id":"seven"}'), context)).toThrow(
      MalformedPayloadError,
    );
  });
});

describe('mapping deliveries to events', () => {
  it('turns an order delivery into an upsert versioned by date_modified_gmt, so older ones lose', async () => {
    const older = phpJson(orderWith({ status: 'on-hold', date_modified_gmt: '2017-03-22T19:28:08' }));
    const newer = phpJson(orderWith({ status: 'processing', date_modified_gmt: '2017-03-22T19:31:00' }));
    // Delivered out of order: the newer first. The hub applies only versions newer than it holds.
    const [first] = await connector.toEvents(
      { topic: 'order.updated', ...delivery('order.updated', newer) },
      fakeContext(),
    );
    const [second] = await connector.toEvents(
      { topic: 'order.updated', ...delivery('order.updated', older) },
      fakeContext(),
    );
    expect(first).toMatchObject({ type: 'order.upserted', order: { readyToFulfill: true } });
    expect(second).toMatchObject({ type: 'order.upserted', order: { readyToFulfill: false } });
    const at = (event: typeof first) =>
      event?.type === 'order.upserted' ? Date.parse(event.order.sourceUpdatedAt) : 0;
    expect(at(second)).toBeLessThan(at(first));
  });

  it('cancels a trashed order', async () => {
    const events = await connector.toEvents(
      { topic: 'order.deleted', ...delivery('order.deleted', '{"id":727}') },
      fakeContext(),
    );
    expect(events).toEqual([
      { type: 'order.cancelled', sourceOrderId: '727', sourceUpdatedAt: '2026-05-04T10:00:00.000Z' },
    ]);
  });

  it('reports the store stock of a product and remembers where its SKU lives', async () => {
    const context = fakeContext();
    const body = phpJson(fixtureJson('product-variation.webhook.with-sku.json'));
    const events = await connector.toEvents(
      { topic: 'product.updated', ...delivery('product.updated', body) },
      context,
    );
    expect(events).toEqual([
      {
        type: 'storefront.stock_changed',
        levels: [{ sku: 'SYI-BLACK-M', available: 7 }],
        occurredAt: '2017-03-23T03:36:38.000Z',
      },
    ]);
    expect(context.state).toMatchObject({
      'sku:SYI-BLACK-M': { id: 732, parentId: 22 },
      'skuOf:732': 'SYI-BLACK-M',
    });

    // The echo of our own write: same map, so no state write; the hub compares the level with what it published.
    const again = await connector.toEvents(
      { topic: 'product.updated', ...delivery('product.updated', body) },
      context,
    );
    expect(again).toHaveLength(1);
    expect(context.patches).toHaveLength(1);
  });

  it('forgets a SKU that was renamed, and a product that was trashed', async () => {
    const context = fakeContext();
    const product = fixtureJson('product-simple.managed-stock.with-sku.json');
    await connector.toEvents(
      { topic: 'product.updated', ...delivery('product.updated', phpJson(product)) },
      context,
    );
    await connector.toEvents(
      { topic: 'product.updated', ...delivery('product.updated', phpJson({ ...product, sku: 'PQ-TEE-20' })) },
      context,
    );
    expect(context.state['sku:PQ-TEE-19']).toBeNull();
    expect(context.state['sku:PQ-TEE-20']).toEqual({ id: 794, parentId: null });
    await connector.toEvents(
      { topic: 'product.deleted', ...delivery('product.deleted', '{"id":794}') },
      context,
    );
    expect(context.state['sku:PQ-TEE-20']).toBeNull();
    expect(context.state['skuOf:794']).toBeNull();
  });

  it('reports no stock for a product that does not manage its own', async () => {
    const docs = phpJson(fixtureJson('product-simple.rest-v3.retrieve.docs.json'));
    const inherited = phpJson({
      ...fixtureJson('product-variation.webhook.with-sku.json'),
      manage_stock: 'parent',
    });
    for (const body of [docs, inherited]) {
      expect(
        await connector.toEvents(
          { topic: 'product.updated', ...delivery('product.updated', body) },
          fakeContext(),
        ),
      ).toEqual([]);
    }
  });

  it('maps nothing for pings and error bodies', async () => {
    const ping = await connector.toEvents(
      { topic: 'ping', headers: {}, rawBody: Buffer.from('webhook_id=1') },
      fakeContext(),
    );
    expect(ping).toEqual([]);
  });
});
