import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startWebhookReceiver,
  topicOf,
  type WebhookReceiver,
} from '../../../sandbox/test/helpers/webhook-receiver.ts';
import { createThreePlSimulator } from '../../../sandbox/three-pl-simulator.ts';
import type { ThreePlSimulator } from '../../../sandbox/three-pl-simulator-types.ts';
import { sandbox3pl } from '../fulfillment-connector.ts';
import { API_KEY, sandboxContext, WEBHOOK_SECRET } from './helpers/sandbox-fixtures.ts';

const SHIP_DELAY_MS = 150;

describe('sandbox 3PL webhooks, end to end', () => {
  let receiver: WebhookReceiver;
  let threePl: ThreePlSimulator;
  let context: ReturnType<typeof sandboxContext>;

  beforeEach(async () => {
    receiver = await startWebhookReceiver();
    threePl = createThreePlSimulator({
      apiKey: API_KEY,
      webhookSecret: WEBHOOK_SECRET,
      webhookUrl: receiver.url,
      shipDelayMs: SHIP_DELAY_MS,
      stock: { 'SBX-MUG': 50, 'SBX-CAP': 20 },
      webhookRetryDelayMs: 10,
    });
    context = sandboxContext(await threePl.listen());
  });

  afterEach(async () => {
    await threePl.close();
    await receiver.close();
  });

  function submit(reference: string) {
    return sandbox3pl.submitShipment(context, {
      reference,
      orderName: '#1001',
      email: null,
      shipTo: { name: 'Søren Kierkegård', address1: 'Nørregade 7', city: 'København K', countryCode: 'DK' },
      shippingMethod: 'standard',
      lines: [
        { sku: 'SBX-MUG', name: 'Sandbox mug', quantity: 3 },
        { sku: 'SBX-CAP', name: 'Sandbox cap', quantity: 1 },
      ],
    });
  }

  it('ships after the delay and sends a signed shipment.shipped that maps to tracking', async () => {
    const submittedAt = Date.now();
    const { externalId } = await submit('shp_e2e');
    const delivery = await receiver.waitFor((d) => topicOf(d) === 'shipment.shipped');
    expect(Date.now() - submittedAt).toBeGreaterThanOrEqual(SHIP_DELAY_MS - 10);

    expect(sandbox3pl.verifyWebhook(delivery, context)).toEqual({ ok: true });
    const parsed = sandbox3pl.parseWebhook(delivery, context);
    expect(parsed).toMatchObject({ topic: 'shipment.shipped', serialKey: 'shipment:shp_e2e' });
    expect(parsed.dedupeKey).toBe(delivery.headers['x-sandbox-event-id']);

    const shipment = threePl.ordersByReference('shp_e2e')[0]?.shipment;
    expect(shipment?.tracking_number).toMatch(/^1ZSBX/);
    expect(await sandbox3pl.toEvents({ topic: parsed.topic, ...delivery }, context)).toEqual([
      {
        type: 'shipment.updated',
        reference: 'shp_e2e',
        externalId,
        status: 'shipped',
        tracking: { carrier: 'UPS', number: shipment?.tracking_number, url: shipment?.tracking_url },
        reason: null,
        occurredAt: shipment?.shipped_at,
      },
    ]);
  });

  it('follows a shipment with the stock levels of the SKUs it took', async () => {
    await submit('shp_stock');
    const delivery = await receiver.waitFor((d) => topicOf(d) === 'stock.changed');
    expect(sandbox3pl.verifyWebhook(delivery, context)).toEqual({ ok: true });
    const [event] = await sandbox3pl.toEvents({ topic: 'stock.changed', ...delivery }, context);
    expect(event).toMatchObject({
      type: 'stock.changed',
      levels: [
        { sku: 'SBX-MUG', location: 'SBX-WH-1', available: 47 },
        { sku: 'SBX-CAP', location: 'SBX-WH-1', available: 19 },
      ],
    });
  });

  it('reports delivery', async () => {
    const { externalId } = await submit('shp_delivered');
    threePl.shipNow(externalId);
    threePl.deliverNow(externalId);
    const delivery = await receiver.waitFor((d) => topicOf(d) === 'shipment.delivered');
    const [event] = await sandbox3pl.toEvents({ topic: 'shipment.delivered', ...delivery }, context);
    expect(event).toMatchObject({
      type: 'shipment.updated',
      reference: 'shp_delivered',
      status: 'delivered',
    });
  });

  it('retries a failed delivery with the same event id and bytes, a new delivery id each time', async () => {
    receiver.answerNext(500, 503);
    threePl.setStock('SBX-MUG', 12);
    await threePl.webhooksSettled();
    expect(receiver.received).toHaveLength(3);
    const eventIds = new Set(receiver.received.map((d) => d.headers['x-sandbox-event-id']));
    const deliveryIds = new Set(receiver.received.map((d) => d.headers['x-sandbox-delivery-id']));
    expect(eventIds.size).toBe(1);
    expect(deliveryIds.size).toBe(3);
    expect(receiver.received.every((d) => d.rawBody.equals(receiver.received[0]!.rawBody))).toBe(true);
    expect(threePl.events()).toEqual([
      expect.objectContaining({ topic: 'stock.changed', outcome: 'delivered' }),
    ]);
  });

  it('gives up after the configured retries without throwing into the caller', async () => {
    receiver.answerNext(500, 500, 500, 500, 500);
    expect(() => threePl.setStock('SBX-CAP', 3)).not.toThrow();
    await threePl.webhooksSettled();
    expect(receiver.received).toHaveLength(4); // the first attempt and 3 retries
    expect(threePl.events()[0]).toMatchObject({ outcome: 'failed' });
    expect(threePl.events()[0]?.attempts.map((attempt) => attempt.status)).toEqual([500, 500, 500, 500]);
  });

  it('sends nothing while paused, and nothing once closed', async () => {
    threePl.pauseWebhooks(true);
    threePl.setStock('SBX-MUG', 1);
    const { externalId } = await submit('shp_paused');
    threePl.pauseWebhooks(false);
    await threePl.close();
    expect(() => threePl.shipNow(externalId)).not.toThrow();
    await new Promise((resolve) => setTimeout(resolve, SHIP_DELAY_MS + 50));
    expect(receiver.received).toHaveLength(0);
    expect(threePl.events().map((event) => event.outcome)).toEqual(['suppressed', 'aborted', 'aborted']);
  });
});
