/**
 * Reading deliveries (topic, dedupe and serial keys, what is ignored by mode) and turning stored
 * ones into canonical events, from the reference payloads.
 */
import { describe, expect, it } from 'vitest';
import { MalformedPayloadError } from '../../../src/sdk/index.ts';
import { NOTIFICATION_TOPIC, parseShopifyDelivery } from '../parse-webhook.ts';
import { shopifyEvents } from '../webhook-events.ts';
import { testContext } from './helpers/context.ts';
import { delivery, notification } from './helpers/deliveries.ts';
import { fixtureBytes, paidOrder, serialize } from './helpers/fixtures.ts';

const merchantManaged = () => testContext({ settings: { mode: 'merchant_managed' } });
const fulfillmentService = () => testContext({ settings: { mode: 'fulfillment_service' } });

describe('parsing deliveries', () => {
  it('dedupes on X-Shopify-Webhook-Id and serializes by order', () => {
    const request = delivery(fixtureBytes('orders_create.json'), {
      topic: 'orders/create',
      webhookId: 'b54557e4-5a3b-4d9c-8e7f-0123456789ab',
    });
    expect(parseShopifyDelivery(request, merchantManaged())).toEqual({
      topic: 'orders/create',
      dedupeKey: 'b54557e4-5a3b-4d9c-8e7f-0123456789ab',
      serialKey: 'order:820982911946154508',
    });
  });

  it('records new and updated orders without applying them as a fulfillment service (requests are the signal)', () => {
    const created = delivery(fixtureBytes('orders_create.json'), { topic: 'orders/create' });
    expect(parseShopifyDelivery(created, fulfillmentService())).toMatchObject({ nothingToApply: true });
    const cancelled = delivery(fixtureBytes('orders_create.json'), { topic: 'orders/cancelled' });
    expect(parseShopifyDelivery(cancelled, fulfillmentService()).nothingToApply).toBeUndefined();
  });

  it('reads a fulfillment service notification (no topic, no webhook id) as a ping to sweep', () => {
    const { body, headers } = notification('FULFILLMENT_REQUEST');
    const parsed = parseShopifyDelivery({ headers, rawBody: body }, fulfillmentService());
    expect(parsed.topic).toBe(NOTIFICATION_TOPIC);
    expect(parsed.serialKey).toBe('fulfillment-requests');
    expect(parsed.nothingToApply).toBeUndefined();
    // Two pings are two hints: never deduplicated into one.
    expect(parseShopifyDelivery({ headers, rawBody: body }, fulfillmentService()).dedupeKey).not.toBe(
      parsed.dedupeKey,
    );
  });

  it('reads what is posted to <callbackUrl>/fulfillment_order_notification as a notification, and nothing else at a sub-path', () => {
    const { body, headers } = notification('CANCELLATION_REQUEST');
    for (const subPath of ['/fulfillment_order_notification', 'fulfillment_order_notification/']) {
      expect(parseShopifyDelivery({ headers, rawBody: body, subPath }, fulfillmentService())).toMatchObject({
        topic: NOTIFICATION_TOPIC,
        serialKey: 'fulfillment-requests',
      });
    }
    expect(
      parseShopifyDelivery(
        { headers, rawBody: body, subPath: '/fulfillment_order_notification' },
        merchantManaged(),
      ).nothingToApply,
    ).toBe(true);
    expect(parseShopifyDelivery({ headers, rawBody: body, subPath: '' }, fulfillmentService()).topic).toBe(
      NOTIFICATION_TOPIC,
    );
    // Only notifications are posted there: an order body at that path is unreadable, and other
    // sub-paths (`/fetch_stock` is a GET the service is registered without) are refused.
    const order = delivery(fixtureBytes('orders_create.json'), { topic: 'orders/create' });
    expect(() =>
      parseShopifyDelivery({ ...order, subPath: '/fulfillment_order_notification' }, fulfillmentService()),
    ).toThrow(MalformedPayloadError);
    expect(() =>
      parseShopifyDelivery({ headers, rawBody: body, subPath: '/fetch_stock' }, fulfillmentService()),
    ).toThrow(MalformedPayloadError);
  });

  it('refuses what it cannot read: no webhook id, a body that is not JSON or not an order', () => {
    const body = fixtureBytes('orders_create.json');
    const withoutId = delivery(body, { topic: 'orders/create' });
    delete withoutId.headers['x-shopify-webhook-id'];
    expect(() => parseShopifyDelivery(withoutId, merchantManaged())).toThrow(MalformedPayloadError);
    expect(() =>
      parseShopifyDelivery(delivery(Buffer.from('<html>'), { topic: 'orders/create' }), merchantManaged()),
    ).toThrow(MalformedPayloadError);
    expect(() =>
      parseShopifyDelivery(delivery(Buffer.from('{"id":1}'), { topic: 'orders/updated' }), merchantManaged()),
    ).toThrow(MalformedPayloadError);
    expect(() =>
      parseShopifyDelivery({ headers: {}, rawBody: Buffer.from('{"kind":"NOPE"}') }, fulfillmentService()),
    ).toThrow(MalformedPayloadError);
  });

  it('records topics it does not act on without failing them', () => {
    const request = delivery(Buffer.from('{"id":1,"previous":["read_orders"],"current":["read_orders"]}'), {
      topic: 'app/scopes_update',
    });
    expect(parseShopifyDelivery(request, merchantManaged())).toMatchObject({
      topic: 'app/scopes_update',
      nothingToApply: true,
    });
  });

  it('applies the compliance topics and app/uninstalled (nothing to apply is false)', () => {
    for (const [topic, file] of [
      ['customers/data_request', 'customers_data_request.json'],
      ['customers/redact', 'customers_redact.json'],
      ['shop/redact', 'shop_redact.json'],
      ['app/uninstalled', 'app_uninstalled.json'],
    ] as const) {
      const parsed = parseShopifyDelivery(delivery(fixtureBytes(file), { topic }), merchantManaged());
      expect(parsed).toMatchObject({ topic, serialKey: null });
      expect(parsed.nothingToApply).toBeUndefined();
    }
  });
});

describe('events from stored deliveries', () => {
  const events = (
    topic: string,
    body: Buffer,
    context = merchantManaged(),
    headers: Record<string, string> = {},
  ) =>
    shopifyEvents(
      null,
      { topic, headers: { ...delivery(body, { topic }).headers, ...headers }, rawBody: body },
      context,
    );

  it('orders/create and orders/updated become order.upserted (merchant-managed), versioned by updated_at', async () => {
    const [event] = await events(
      'orders/updated',
      serialize(paidOrder(() => {}, '2026-11-20T10:05:00-05:00')),
    );
    expect(event).toMatchObject({
      type: 'order.upserted',
      order: {
        sourceOrderId: '820982911946154508',
        sourceUpdatedAt: '2026-11-20T10:05:00-05:00',
        readyToFulfill: true,
      },
    });
  });

  it('orders/cancelled cancels, and brings the order’s last state in merchant-managed mode', async () => {
    const cancelled = serialize(
      paidOrder((order) => (order.cancelled_at = '2026-11-20T11:00:00-05:00'), '2026-11-20T11:00:00-05:00'),
    );
    expect((await events('orders/cancelled', cancelled)).map((event) => event.type)).toEqual([
      'order.upserted',
      'order.cancelled',
    ]);
    expect(await events('orders/cancelled', cancelled, fulfillmentService())).toEqual([
      {
        type: 'order.cancelled',
        sourceOrderId: '820982911946154508',
        sourceUpdatedAt: '2026-11-20T11:00:00-05:00',
      },
    ]);
  });

  it('app/uninstalled takes the shop from the header (the body’s domains are null) and makes no API call', async () => {
    const result = await events('app/uninstalled', fixtureBytes('app_uninstalled.json'), merchantManaged(), {
      'x-shopify-triggered-at': '2026-11-21T08:00:00.000000Z',
    });
    expect(result).toEqual([{ type: 'connection.uninstalled', occurredAt: '2026-11-21T08:00:00.000Z' }]);
  });

  it('customers/data_request names the customer and the orders, ids as exact strings', async () => {
    expect(await events('customers/data_request', fixtureBytes('customers_data_request.json'))).toEqual([
      {
        type: 'customer.data_request',
        customer: {
          email: 'john@example.com',
          sourceCustomerId: '191167',
          sourceOrderIds: ['299938', '280263', '220458'],
        },
        requestId: '9999',
      },
    ]);
  });

  it('customers/redact erases that customer; shop/redact the whole shop', async () => {
    const redact = await events(
      'customers/redact',
      fixtureBytes('customers_redact.json'),
      merchantManaged(),
      {
        'x-shopify-webhook-id': 'redact-1',
      },
    );
    expect(redact).toEqual([
      {
        type: 'customer.redact',
        customer: {
          email: 'john@example.com',
          sourceCustomerId: '191167',
          sourceOrderIds: ['299938', '280263', '220458'],
        },
        requestId: 'redact-1',
      },
    ]);
    const big = Buffer.from(
      '{"shop_id":954889,"shop_domain":"x.myshopify.com","customer":{"id":7390213111111111111,"email":null},"orders_to_redact":[820982911946154508]}',
    );
    const [event] = await events('customers/redact', big);
    expect(event).toMatchObject({
      customer: {
        sourceCustomerId: '7390213111111111111',
        sourceOrderIds: ['820982911946154508'],
        email: null,
      },
    });
    expect(
      await events('shop/redact', fixtureBytes('shop_redact.json'), merchantManaged(), {
        'x-shopify-webhook-id': 'shop-redact-1',
      }),
    ).toEqual([{ type: 'account.redact', requestId: 'shop-redact-1' }]);
  });
});
