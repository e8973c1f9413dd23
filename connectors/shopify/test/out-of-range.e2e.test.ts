/**
 * A validly signed Shopify order with values no database column can hold (a quantity of a
 * trillion, a price beyond 2^53 minor units) is refused at the door with 400 and the field it
 * failed on: recorded as a rejected delivery, with no job behind it, and no order. Before, it was
 * answered 200 and became an apply job that failed on "value out of range for type integer",
 * retried until it dead-lettered, and left no order behind.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paidOrder, serialize } from './helpers/fixtures.ts';
import { eventually, hubOrder, type ShopifyHub, startShopifyHub } from './helpers/shopify-hub.ts';

function order(id: number, change: (order: any) => void) {
  return paidOrder((payload) => {
    payload.admin_graphql_api_id = `gid://shopify/Order/${id}`;
    payload.name = `#${id}`;
    payload.line_items.forEach((line: any, index: number) => {
      line.admin_graphql_api_id = `gid://shopify/LineItem/${id}${index}`;
    });
    change(payload);
  });
}

describe('Shopify: a signed order with out-of-range values', () => {
  let hub: ShopifyHub;
  let location: string;
  beforeAll(async () => {
    hub = await startShopifyHub({ mode: 'merchant_managed' });
    location = hub.shop.addLocation();
  });
  afterAll(async () => hub?.stop());

  const applyJobs = async () => {
    const { rows } = await sql<{ count: string }>`
      select count(*)::text as count from pgboss.job where name = 'apply-delivery'`.execute(
      hub.running.hub.db,
    );
    return Number(rows[0]?.count ?? 0);
  };

  const expectRefused = async (payload: unknown, field: RegExp) => {
    const jobsBefore = await applyJobs();
    const answer = await hub.postWebhook('orders/create', serialize(payload));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ outcome: 'rejected', error: 'malformed_payload' });
    expect(answer.body.message).toMatch(field);
    expect(answer.body.message).not.toMatch(/out of range for type|SQLSTATE|syntax/i);
    // Recorded for ops, with the same reason and the body kept for a look.
    const delivery = await hub.api('GET', `/api/deliveries/${answer.body.deliveryId}`);
    expect(delivery.body).toMatchObject({ status: 'rejected', httpStatus: 400 });
    expect(delivery.body.lastError).toMatch(field);
    // Nothing was queued behind it.
    expect(await applyJobs()).toBe(jobsBefore);
  };

  it('refuses a quantity of a trillion with 400 naming the field, and queues no job', async () => {
    await expectRefused(
      order(3001, (payload) => {
        payload.line_items[0].quantity = 1_000_000_000_000;
        payload.line_items[0].current_quantity = 1_000_000_000_000;
      }),
      /line_items\/0\/(current_)?quantity/,
    );
    expect(await hubOrder(hub, '3001')).toBeUndefined();
  });

  it('refuses a unit price beyond what minor units can hold, naming the field', async () => {
    await expectRefused(
      order(3002, (payload) => {
        const huge = '100000000000000000000.00';
        payload.line_items[1].price = huge;
        payload.line_items[1].price_set.shop_money.amount = huge;
        payload.line_items[1].price_set.presentment_money.amount = huge;
      }),
      /line_items\/1\/price/,
    );
    expect(await hubOrder(hub, '3002')).toBeUndefined();
  });

  it('refuses an order total beyond what minor units can hold, naming the field', async () => {
    await expectRefused(
      order(3003, (payload) => {
        payload.current_total_price_set.presentment_money.amount = '99999999999999999999';
      }),
      /current_total_price_set\/presentment_money\/amount/,
    );
  });

  it('still takes the same order with sane values, through to the 3PL', async () => {
    const sane = order(3004, () => {});
    hub.shop.addOrderFromWebhook(sane, { locationId: location });
    expect((await hub.postWebhook('orders/create', serialize(sane))).status).toBe(200);
    await eventually(
      async () => (await hubOrder(hub, '3004'))?.status === 'accepted',
      'the order to reach the 3PL',
    );
  });
});
