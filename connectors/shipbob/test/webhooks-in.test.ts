import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { canonicalEventProblem, MalformedPayloadError } from '../../../src/sdk/index.ts';
import { TOPICS } from '../webhook-subscriptions.ts';
import {
  API,
  connector,
  fixture,
  ORDER_ID,
  REFERENCE,
  shipBobContext,
  signedDelivery,
  useNock,
  VERSION,
} from './helpers/shipbob-test-kit.ts';

useNock();

const event = fixture('webhook-shipment-event.json');
const order = fixture<{ shipments: Record<string, unknown>[] }>('order-created.json');
const shipment = order.shipments[0] as Record<string, unknown>;
const tracking = {
  carrier: 'USPS',
  carrier_service: 'ParcelSelect',
  tracking_number: '9261290306529427911297',
  tracking_url: 'https://tools.usps.com/go/TrackConfirmAction!input.action?tLabels=9261290306529427911297',
};
const withShipment = (over: Record<string, unknown>) => ({ ...order, shipments: [{ ...shipment, ...over }] });

describe('verifying ShipBob’s webhooks (Standard Webhooks)', () => {
  const context = shipBobContext();

  it('accepts a delivery signed with the connection’s secret', () => {
    expect(connector.verifyWebhook(signedDelivery('order.shipped', event), context)).toEqual({ ok: true });
  });

  it('refuses a missing signature, a forged one, a changed body and another secret', () => {
    const signed = signedDelivery('order.shipped', event);
    const { 'webhook-signature': _, ...unsigned } = signed.headers;
    expect(connector.verifyWebhook({ ...signed, headers: unsigned }, context)).toMatchObject({
      ok: false,
      reason: 'missing_signature',
    });
    expect(
      connector.verifyWebhook(
        { ...signed, headers: { ...signed.headers, 'webhook-signature': 'v1,AAAA' } },
        context,
      ),
    ).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(
      connector.verifyWebhook({ ...signed, rawBody: Buffer.from(`${signed.rawBody} `) }, context),
    ).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    const other = signedDelivery('order.shipped', event, {
      secret: `whsec_${Buffer.from('another key entirely!!').toString('base64')}`,
    });
    expect(connector.verifyWebhook(other, context)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a delivery signed more than five minutes ago (a replay), and one from the future', () => {
    const old = signedDelivery('order.shipped', event, { at: new Date(Date.now() - 6 * 60_000) });
    expect(connector.verifyWebhook(old, context)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    const ahead = signedDelivery('order.shipped', event, { at: new Date(Date.now() + 6 * 60_000) });
    expect(connector.verifyWebhook(ahead, context)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
  });

  it('fails closed when the connection holds no secret', () => {
    const bare = shipBobContext({ credentials: { webhookSecret: undefined } });
    expect(connector.verifyWebhook(signedDelivery('order.shipped', event), bare)).toMatchObject({
      ok: false,
      reason: 'missing_secret',
    });
  });
});

describe('reading a delivery', () => {
  const context = shipBobContext();

  it('dedupes on webhook-id: a redelivery gets the same key, another event another', () => {
    const first = connector.parseWebhook(signedDelivery('order.shipped', event, { id: 'msg_1' }), context);
    const again = connector.parseWebhook(
      signedDelivery('order.shipped', event, { id: 'msg_1', at: new Date(Date.now() - 60_000) }),
      context,
    );
    const other = connector.parseWebhook(signedDelivery('order.shipped', event, { id: 'msg_2' }), context);
    expect(first).toEqual({
      topic: 'order.shipped',
      dedupeKey: 'webhook:msg_1',
      serialKey: `shipment:${REFERENCE}`,
    });
    expect(again.dedupeKey).toBe(first.dedupeKey);
    expect(other.dedupeKey).not.toBe(first.dedupeKey);
  });

  it('reads the one body ShipBob publishes (tracking_received), and acknowledges topics it did not ask for', () => {
    const published = connector.parseWebhook(
      signedDelivery('order.shipment.delivered', fixture('webhook-tracking-received.json')),
      context,
    );
    expect(published.serialKey).toBe('shipment:TEST101');
    const other = connector.parseWebhook(signedDelivery('return.created', { id: 5 }), context);
    expect(other).toMatchObject({ topic: 'return.created', nothingToApply: true });
  });

  it('refuses a body it cannot tie to an order', () => {
    expect(() =>
      connector.parseWebhook(signedDelivery('order.shipped', { event_time: 'x' }), context),
    ).toThrow(MalformedPayloadError);
    const noTopic = signedDelivery('order.shipped', event);
    delete noTopic.headers['x-webhook-topic'];
    expect(() => connector.parseWebhook(noTopic, context)).toThrow(MalformedPayloadError);
  });
});

describe('mapping each topic to the hub shipment, reading the order back', () => {
  const context = shipBobContext();
  const map = async (topic: string, body: unknown, current: unknown) => {
    nock(API).get(`${VERSION}/order/${ORDER_ID}`).reply(200, current);
    const delivery = signedDelivery(topic, body);
    const parsed = connector.parseWebhook(delivery, context);
    const events = await connector.toEvents({ topic: parsed.topic, ...delivery }, context);
    for (const e of events) expect(canonicalEventProblem(e)).toBeNull();
    return events;
  };
  const shippedOrder = withShipment({ status: 'Completed', tracking });

  const cases: [string, Record<string, unknown>, unknown, Record<string, unknown>][] = [
    [
      'order.shipped',
      event,
      shippedOrder,
      {
        status: 'shipped',
        tracking: { carrier: 'USPS', number: tracking.tracking_number, url: tracking.tracking_url },
      },
    ],
    // ShipBob's read may lag its event: the webhook's tracking fills the gap.
    [
      'order.shipment.tracking.updated',
      event,
      withShipment({ status: 'LabeledCreated' }),
      { status: 'shipped', tracking: { number: tracking.tracking_number } },
    ],
    ['order.shipment.delivered', event, shippedOrder, { status: 'delivered' }],
    [
      'order.delivered',
      event,
      withShipment({ status: 'Completed', tracking, delivery_date: '2026-11-29T12:00:00Z' }),
      { status: 'delivered' },
    ],
    [
      'order.shipment.exception',
      { ...event, status: 'Exception', tracking: null },
      withShipment({
        status: 'Exception',
        status_details: [{ name: 'OutOfStock', description: 'Not enough MUG-BLUE at Cicero (IL)' }],
      }),
      {
        status: 'exception',
        reason: 'exception; OutOfStock: Not enough MUG-BLUE at Cicero (IL)',
        tracking: null,
      },
    ],
    [
      'order.shipment.on_hold',
      { ...event, status: 'OnHold', tracking: null },
      withShipment({ status: 'OnHold', status_details: [{ name: 'InvalidAddress', description: null }] }),
      { status: 'exception', reason: 'on hold; InvalidAddress' },
    ],
    [
      'order.shipment.cancelled',
      { ...event, status: 'Cancelled', tracking: null },
      withShipment({ status: 'Cancelled' }),
      { status: 'cancelled' },
    ],
  ];

  it('covers every subscribed topic', () => {
    expect(cases.map(([topic]) => topic).sort()).toEqual([...TOPICS].sort());
  });

  for (const [topic, body, current, expected] of cases) {
    it(`${topic} → shipment.updated ${expected.status}`, async () => {
      const [mapped, ...rest] = await map(topic, body, current);
      expect(rest).toEqual([]);
      expect(mapped).toMatchObject({
        type: 'shipment.updated',
        reference: REFERENCE,
        externalId: String(ORDER_ID),
        // ShipBob's event_time (seven fractional digits) kept to milliseconds: the hub orders by it.
        occurredAt: '2026-11-27T15:55:09.361Z',
        ...expected,
      });
    });
  }

  it('reports every ShipBob shipment of a split order as a parcel, with its own fulfillment centre and tracking', async () => {
    const [mapped] = await map('order.shipped', event, fixture('order-two-shipments.json'));
    expect(mapped).toMatchObject({
      status: 'shipped',
      tracking: { number: tracking.tracking_number },
      parcels: [
        {
          externalId: '200000001',
          status: 'shipped',
          location: '156',
          tracking: { number: tracking.tracking_number },
          lines: [{ sku: 'SBX-MUG', quantity: 1 }],
        },
        {
          externalId: '200000002',
          status: 'accepted',
          location: '178',
          tracking: null,
          lines: [{ sku: 'SBX-TEE', quantity: 2 }],
        },
      ],
    });
  });

  it('ignores orders of the merchant’s other integrations (the subscription is account-wide)', async () => {
    const foreign = {
      ...withShipment({ status: 'Completed', tracking }),
      channel: { id: 100103, name: 'Shopify' },
    };
    expect(await map('order.shipped', event, foreign)).toEqual([]);
  });

  it('applies nothing when ShipBob no longer has the order', async () => {
    nock(API).get(`${VERSION}/order/${ORDER_ID}`).reply(404);
    const delivery = signedDelivery('order.shipped', event);
    expect(await connector.toEvents({ topic: 'order.shipped', ...delivery }, context)).toEqual([]);
  });
});
