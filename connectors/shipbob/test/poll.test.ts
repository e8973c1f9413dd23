import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createShipBobConnector } from '../shipbob-connector.ts';
import {
  API,
  APP,
  fixture,
  ORDER_ID,
  REFERENCE,
  shipBobContext,
  useNock,
  VERSION,
} from './helpers/shipbob-test-kit.ts';

useNock();

const NOW = new Date('2026-11-27T16:00:00.000Z');
const connector = createShipBobConnector({ app: APP, now: () => NOW });
const shipped = fixture<{ shipments: Record<string, unknown>[] }>('order-two-shipments.json');
const foreign = {
  ...fixture('order-created.json'),
  id: 100000099,
  reference_id: 'shopify-5512',
  channel: { id: 100103, name: 'Shopify' },
};
const noStock = { PageSize: 250, IsDigital: false };

function expectOrderReads(input: { tracked: unknown[]; changed: unknown[]; since: string }) {
  nock(API)
    .get(`${VERSION}/order`)
    .query({
      HasTracking: true,
      IsTrackingUploaded: false,
      StartDate: '2026-10-31T00:00:00.000Z',
      Limit: 250,
      Page: 1,
    })
    .reply(200, input.tracked)
    .get(`${VERSION}/order`)
    .query({ LastUpdateStartDate: input.since, StartDate: '2026-10-31T00:00:00.000Z', Limit: 250, Page: 1 })
    .reply(200, input.changed);
}

describe('reconciliation by polling', () => {
  it('recovers a shipment whose webhook never came, and marks its tracking uploaded on the next poll', async () => {
    const context = shipBobContext({ settings: { pollInventory: false } });
    expectOrderReads({ tracked: [shipped, foreign], changed: [], since: '2026-11-01T00:00:00.000Z' });

    const first = await connector.pollSince(context, null);

    expect(first.events).toEqual([
      expect.objectContaining({
        type: 'shipment.updated',
        reference: REFERENCE,
        externalId: String(ORDER_ID),
        status: 'shipped',
        tracking: expect.objectContaining({ number: '9261290306529427911297' }),
        occurredAt: '2026-11-27T15:55:09.361Z',
      }),
    ]);
    const cursor = JSON.parse(first.nextCursor as string);
    // The other integration's order is neither reported nor marked.
    expect(cursor).toEqual({
      updatedSince: '2026-11-27T15:55:00.000Z',
      createdSince: '2026-10-31T00:00:00.000Z',
      ack: ['200000001'],
    });

    let marked: unknown = null;
    nock(API)
      .post(`${VERSION}/shipment:batchUpdateTrackingUpload`, (body) => {
        marked = body;
        return true;
      })
      .reply(200, {
        results: [{ shipmentId: 200000001, isSuccess: true, error: null }],
        summary: { failed: 0, successful: 1, total: 1 },
      });
    expectOrderReads({ tracked: [], changed: [], since: '2026-11-27T15:55:00.000Z' });

    const second = await connector.pollSince(context, first.nextCursor);

    expect(marked).toEqual({ is_tracking_uploaded: true, shipment_ids: [200000001] });
    expect(second.events).toEqual([]);
    expect(JSON.parse(second.nextCursor as string).ack).toEqual([]);
  });

  it('carries on when ShipBob refuses to mark a batch: the shipments come back and are marked later', async () => {
    const context = shipBobContext({ settings: { pollInventory: false } });
    const cursor = JSON.stringify({
      updatedSince: '2026-11-27T15:00:00.000Z',
      createdSince: '2026-10-31T00:00:00.000Z',
      ack: ['200000001'],
    });
    nock(API).post(`${VERSION}/shipment:batchUpdateTrackingUpload`).reply(400, 'Bad Request');
    expectOrderReads({ tracked: [shipped], changed: [], since: '2026-11-27T15:00:00.000Z' });
    const result = await connector.pollSince(context, cursor);
    expect(result.events).toHaveLength(1);
    expect(JSON.parse(result.nextCursor as string).ack).toEqual(['200000001']);
  });

  it('pages through the tracking queue 250 at a time', async () => {
    const context = shipBobContext({ settings: { pollInventory: false } });
    const page = Array.from({ length: 250 }, (_, i) => ({
      ...fixture('order-created.json'),
      id: 300000000 + i,
      reference_id: `ref-${i}`,
    }));
    nock(API)
      .get(`${VERSION}/order`)
      .query((q) => q.IsTrackingUploaded === 'false' && q.Page === '1')
      .reply(200, page)
      .get(`${VERSION}/order`)
      .query((q) => q.IsTrackingUploaded === 'false' && q.Page === '2')
      .reply(200, [shipped])
      .get(`${VERSION}/order`)
      .query((q) => q.LastUpdateStartDate !== undefined)
      .reply(200, []);
    const result = await connector.pollSince(context, null);
    expect(result.events).toHaveLength(251);
  });

  it('never moves its time backwards, and keeps it when a read was cut short', async () => {
    const context = shipBobContext({ settings: { pollInventory: false } });
    const ahead = JSON.stringify({
      updatedSince: '2026-12-01T00:00:00.000Z',
      createdSince: '2026-10-31T00:00:00.000Z',
      ack: [],
    });
    expectOrderReads({ tracked: [], changed: [], since: '2026-12-01T00:00:00.000Z' });
    const result = await connector.pollSince(context, ahead);
    expect(JSON.parse(result.nextCursor as string).updatedSince).toBe('2026-12-01T00:00:00.000Z');
  });

  it('reports cancellations and holds that carry no tracking', async () => {
    const context = shipBobContext({ settings: { pollInventory: false } });
    const cancelled = {
      ...shipped,
      shipments: shipped.shipments.map((s) => ({ ...s, status: 'Cancelled', tracking: null })),
    };
    expectOrderReads({ tracked: [], changed: [cancelled], since: '2026-11-01T00:00:00.000Z' });
    const result = await connector.pollSince(context, null);
    expect(result.events).toEqual([
      expect.objectContaining({ status: 'cancelled', externalId: String(ORDER_ID) }),
    ]);
    expect(JSON.parse(result.nextCursor as string).ack).toEqual([]);
  });

  it('polls the stock per fulfillment centre as one stock.changed', async () => {
    const context = shipBobContext();
    expectOrderReads({ tracked: [], changed: [], since: '2026-11-01T00:00:00.000Z' });
    nock(API)
      .get(`${VERSION}/inventory-level/locations`)
      .query(noStock)
      .reply(200, { ...fixture('inventory-levels-by-location-page-2.json'), prev: null, first: null });
    const result = await connector.pollSince(context, null);
    expect(result.events).toEqual([
      {
        type: 'stock.changed',
        levels: [{ sku: 'MUG-RED', location: '178', available: 5 }],
        occurredAt: NOW.toISOString(),
      },
    ]);
  });
});
