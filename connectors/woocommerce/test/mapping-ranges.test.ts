/**
 * Property tests of the mapping's ranges: arbitrary values in the numbers (and dates) of the
 * reference order and product are refused at the door, or become canonical events the hub can
 * store; in-range values arrive exactly; a poll turns an order it cannot take into `order.invalid`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  amountValue,
  expectRefusedOrStorable,
  numberValue,
  setAt,
  timestampValue,
} from '../../../src/sdk/fuzz-kit.ts';
import { canonicalEventProblem, LIMITS } from '../../../src/sdk/index.ts';
import { pollOrders } from '../poll-orders.ts';
import type { WooClient } from '../woo-client.ts';
import { wooOrder } from '../woo-payloads.ts';
import { delivery, fakeContext, fixtureJson, phpJson, testConnector } from './helpers/woo-test-kit.ts';

const connector = testConnector();
type Path = (string | number)[];

const orderChanges = fc.array(
  fc.oneof(
    fc.tuple(
      fc.constantFrom<Path>(['line_items', 0, 'quantity'], ['line_items', 1, 'quantity']),
      numberValue(),
    ),
    fc.tuple(
      fc.constantFrom<Path>(
        ['total'],
        ['line_items', 0, 'price'],
        ['line_items', 1, 'price'],
        ['line_items', 0, 'subtotal'],
      ),
      amountValue(),
    ),
    fc.tuple(fc.constantFrom<Path>(['date_modified_gmt'], ['date_created_gmt']), timestampValue()),
  ),
  { minLength: 1, maxLength: 4 },
);

function orderWith(list: [Path, unknown][]) {
  const order = fixtureJson('order.rest-v3.with-skus.json');
  for (const [path, value] of list) setAt(order, path, value);
  // Without a price the unit price comes from the subtotal.
  if (list.some(([path]) => path[2] === 'subtotal')) delete order.line_items[0].price;
  return order;
}

describe('WooCommerce mapping, over arbitrary numbers', () => {
  it('refuses an order at the door, or maps it to events the hub can store', async () => {
    await fc.assert(
      fc.asyncProperty(orderChanges, async (list) => {
        const request = delivery('order.created', phpJson(orderWith(list)));
        await expectRefusedOrStorable(
          () => connector.parseWebhook(request, fakeContext()),
          () => connector.toEvents({ topic: 'order.created', ...request }, fakeContext()),
        );
      }),
      { numRuns: 400 },
    );
  });

  it('refuses a product at the door, or maps its stock to a level the hub can store', async () => {
    await fc.assert(
      fc.asyncProperty(numberValue(), async (stock) => {
        const product = fixtureJson('product-simple.managed-stock.with-sku.json');
        product.stock_quantity = stock;
        const request = delivery('product.updated', phpJson(product));
        await expectRefusedOrStorable(
          () => connector.parseWebhook(request, fakeContext()),
          () => connector.toEvents({ topic: 'product.updated', ...request }, fakeContext()),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('takes every in-range quantity and price, exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: LIMITS.quantity.max }),
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        async (quantity, cents) => {
          const price = `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
          const order = orderWith([
            [['line_items', 0, 'quantity'], quantity],
            [['line_items', 0, 'price'], price],
          ]);
          const request = delivery('order.created', phpJson(order));
          const events = await expectRefusedOrStorable(
            () => connector.parseWebhook(request, fakeContext()),
            () => connector.toEvents({ topic: 'order.created', ...request }, fakeContext()),
          );
          const upserted = events?.[0];
          if (upserted?.type !== 'order.upserted') throw new Error('the order was refused');
          expect(upserted.order.lines[0]).toMatchObject({ quantity, unitPriceMinor: Number(cents) });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('names the field it refuses', () => {
    const request = delivery('order.created', phpJson(orderWith([[['line_items', 1, 'quantity'], 2 ** 31]])));
    expect(() => connector.parseWebhook(request, fakeContext())).toThrow(
      /order\/line_items\/1\/quantity: 2147483648 is not an integer in 0\.\.2147483647/,
    );
  });
});

describe('WooCommerce polling, over arbitrary numbers', () => {
  it('reports every polled order as events the hub can store: the order, or order.invalid with the reason', async () => {
    await fc.assert(
      fc.asyncProperty(orderChanges, async (list) => {
        const order = orderWith(list);
        // The poll reads what passes the order schema (the shape); ranges are the mapping's.
        const client: WooClient = {
          async request() {
            return { status: 200, headers: { 'x-wp-totalpages': '1' }, body: [order] };
          },
        } as unknown as WooClient;
        const outcome = await pollOrders(
          client,
          { deletedCheckAt: new Date().toISOString() },
          null,
          {
            now: new Date('2017-03-22T20:00:00Z'),
          },
          { warn() {} },
        );
        for (const event of outcome.events) expect(canonicalEventProblem(event)).toBeNull();
        // Every order of the right shape is reported: nothing is skipped for its numbers alone.
        if (wooOrder.matches(order)) expect(outcome.events).toHaveLength(1);
      }),
      { numRuns: 200 },
    );
  });
});
