import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nextCursor } from '../poll-orders.ts';
import { isoToGmt } from '../woo-payloads.ts';
import { fakeContext, orderWith, STORE, testConnector } from './helpers/woo-test-kit.ts';

const connector = testConnector();

/** `count` orders modified one second apart from `from` (UTC), ids from 1000. */
function ordersFrom(from: string, count: number, changes: Record<string, unknown> = {}) {
  return Array.from({ length: count }, (_, i) =>
    orderWith({
      id: 1000 + i,
      number: String(1000 + i),
      date_modified_gmt: isoToGmt(new Date(Date.parse(from) + i * 1000)),
      ...changes,
    }),
  );
}

/** The store's `GET orders`, answered from a list by `modified_after` and `page`, as WooCommerce would. */
function serveOrders(all: any[], status?: string) {
  return nock(STORE)
    .get('/wp-json/wc/v3/orders')
    .query((q) => q.status === status && q.modified_after !== undefined)
    .times(50)
    .reply((request: Request) => {
      const q = new URL(request.url).searchParams;
      expect(q.get('dates_are_gmt')).toBe('true');
      expect(q.get('orderby')).toBe('modified');
      expect(q.get('order')).toBe('asc');
      const after = `${q.get('modified_after')}`;
      const size = Number(q.get('per_page'));
      const page = Number(q.get('page'));
      const matching = all
        .filter((o) => o.date_modified_gmt > after)
        .sort((a, b) => (a.date_modified_gmt < b.date_modified_gmt ? -1 : 1));
      const pages = Math.max(1, Math.ceil(matching.length / size));
      return [
        200,
        matching.slice((page - 1) * size, page * size),
        { 'x-wp-totalpages': String(pages), 'x-wp-total': String(matching.length) },
      ];
    });
}

describe('polling orders', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());

  it('walks every page from the cursor and returns the newest modification as the next cursor', async () => {
    const orders = ordersFrom('2026-05-04T09:00:01Z', 150);
    serveOrders(orders);
    serveOrders([], 'trash');
    const context = fakeContext({ state: { deletedCheckAt: '2026-05-04T09:59:00.000Z' } });
    const result = await connector.pollSince(context, '2026-05-04T09:00:00.000Z');
    expect(result.events).toHaveLength(150);
    expect(result.events.every((e) => e.type === 'order.upserted')).toBe(true);
    expect(result.nextCursor).toBe('2026-05-04T09:02:30.000Z');
    // Processing orders are remembered, to notice later if one is deleted for good.
    expect(context.state.openOrders).toHaveLength(150);
  });

  it('re-reads a minute before the cursor, and moves nothing when nothing changed', async () => {
    const seen: string[] = [];
    nock(STORE)
      .get('/wp-json/wc/v3/orders')
      .query((q) => {
        seen.push(`${q.status ?? 'any'}:${q.modified_after}`);
        return true;
      })
      .times(2)
      .reply(200, [], { 'x-wp-totalpages': '0' });
    const result = await connector.pollSince(
      fakeContext({ state: { deletedCheckAt: '2026-05-04T09:59:00.000Z' } }),
      '2026-05-04T09:00:00.000Z',
    );
    expect(seen).toEqual(['any:2026-05-04T08:59:00', 'trash:2026-05-04T08:59:00']);
    expect(result).toEqual({ events: [], nextCursor: null });
  });

  it('starts at the connection time when there is no cursor yet', async () => {
    const seen: string[] = [];
    nock(STORE)
      .get('/wp-json/wc/v3/orders')
      .query((q) => {
        seen.push(String(q.modified_after));
        return true;
      })
      .times(2)
      .reply(200, []);
    const context = fakeContext({ state: { connectedAt: '2026-05-01T12:00:00.000Z' } });
    const result = await connector.pollSince(context, null);
    expect(seen[0]).toBe('2026-05-01T11:59:00');
    expect(result.nextCursor).toBe('2026-05-01T12:00:00.000Z');
  });

  it('reads orders saved in the same second across pages without skipping any', async () => {
    const sameSecond = ordersFrom('2026-05-04T09:30:00Z', 130, { date_modified_gmt: '2026-05-04T09:30:00' });
    serveOrders(sameSecond);
    serveOrders([], 'trash');
    const result = await connector.pollSince(
      fakeContext({ state: { deletedCheckAt: '2026-05-04T09:59:00.000Z' } }),
      '2026-05-04T09:00:00.000Z',
    );
    const ids = new Set(result.events.map((e) => (e.type === 'order.upserted' ? e.order.sourceOrderId : '')));
    expect(ids.size).toBe(130);
  });

  it('finds trashed orders in their own pass and cancels them', async () => {
    serveOrders([orderWith({ id: 727, status: 'processing', date_modified_gmt: '2026-05-04T09:10:00' })]);
    serveOrders([orderWith({ id: 728, status: 'trash', date_modified_gmt: '2026-05-04T09:20:00' })], 'trash');
    const context = fakeContext({
      state: { openOrders: ['728'], deletedCheckAt: '2026-05-04T09:59:00.000Z' },
    });
    const result = await connector.pollSince(context, '2026-05-04T09:00:00.000Z');
    expect(result.events).toEqual([
      expect.objectContaining({
        order: expect.objectContaining({ sourceOrderId: '727', readyToFulfill: true }),
      }),
      expect.objectContaining({ order: expect.objectContaining({ sourceOrderId: '728', cancelled: true }) }),
    ]);
    expect(result.nextCursor).toBe('2026-05-04T09:20:00.000Z');
    expect(context.state.openOrders).toEqual(['727']);
  });

  it('notices an open order that was deleted permanently (no webhook, no list shows it)', async () => {
    serveOrders([]);
    serveOrders([], 'trash');
    nock(STORE)
      .get('/wp-json/wc/v3/orders')
      .query({ include: '727,728,729', per_page: '100', _fields: 'id' })
      .reply(200, [{ id: 727 }])
      .get('/wp-json/wc/v3/orders/728')
      .reply(404, {
        code: 'woocommerce_rest_shop_order_invalid_id',
        message: 'Invalid ID.',
        data: { status: 404 },
      })
      .get('/wp-json/wc/v3/orders/729')
      .reply(200, orderWith({ id: 729, status: 'trash', date_modified_gmt: '2026-05-04T08:00:00' }));
    const context = fakeContext({ state: { openOrders: ['727', '728', '729'] } });
    const result = await connector.pollSince(context, '2026-05-04T09:00:00.000Z');
    expect(result.events).toEqual([
      { type: 'order.cancelled', sourceOrderId: '728', sourceUpdatedAt: '2026-05-04T10:00:00.000Z' },
      expect.objectContaining({
        type: 'order.upserted',
        order: expect.objectContaining({ sourceOrderId: '729', cancelled: true }),
      }),
    ]);
    expect(context.state.openOrders).toEqual(['727']);
    expect(context.state.deletedCheckAt).toBe('2026-05-04T10:00:00.000Z');
  });

  it('skips an order it cannot read instead of stopping reconciliation', async () => {
    serveOrders([
      orderWith({ id: 1, date_modified_gmt: '2026-05-04T09:10:00' }),
      { id: 2, date_modified_gmt: '2026-05-04T09:11:00', status: 'processing' },
    ]);
    serveOrders([], 'trash');
    const result = await connector.pollSince(
      fakeContext({ state: { deletedCheckAt: '2026-05-04T09:59:00.000Z' } }),
      '2026-05-04T09:00:00.000Z',
    );
    expect(result.events).toHaveLength(1);
    expect(result.nextCursor).toBe('2026-05-04T09:10:00.000Z');
  });

  it('stops a cursor at the newest order a cut-short walk reached', () => {
    const start = '2026-05-04T09:00:00.000Z';
    expect(
      nextCursor(start, start, [
        { orders: [], newest: '2026-05-04T09:40:00.000Z', complete: false },
        { orders: [], newest: '2026-05-04T09:50:00.000Z', complete: true },
      ]),
    ).toBe('2026-05-04T09:40:00.000Z');
    expect(
      nextCursor(start, start, [{ orders: [], newest: '2026-05-04T08:59:30.000Z', complete: true }]),
    ).toBeNull();
  });
});
