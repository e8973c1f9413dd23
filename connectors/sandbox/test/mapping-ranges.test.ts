/**
 * Property tests of the sandbox connectors' ranges: arbitrary values in the numbers (and dates) of
 * a storefront order or a 3PL stock event are refused at the door, or become canonical events the
 * hub can store; in-range values arrive exactly; a poll holds what it cannot take (order.invalid).
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
import { sandbox3pl } from '../fulfillment-connector.ts';
import { stockLevels, storableLevels } from '../map-three-pl.ts';
import { sandboxStorefront } from '../storefront-connector.ts';
import { orderPayload } from './helpers/order-payload.ts';
import { sandboxContext, signedRequest } from './helpers/sandbox-fixtures.ts';

const context = sandboxContext('http://127.0.0.1:9');
type Path = (string | number)[];

const orderChanges = fc.array(
  fc.oneof(
    fc.tuple(
      fc.constantFrom<Path>(['line_items', 0, 'quantity'], ['line_items', 1, 'quantity']),
      numberValue(),
    ),
    fc.tuple(
      fc.constantFrom<Path>(['total_price'], ['line_items', 0, 'price'], ['line_items', 1, 'price']),
      amountValue(),
    ),
    fc.tuple(fc.constantFrom<Path>(['created_at'], ['updated_at']), timestampValue()),
  ),
  { minLength: 1, maxLength: 4 },
);

function orderWith(list: [Path, unknown][]) {
  const order = orderPayload();
  for (const [path, value] of list) setAt(order, path, value);
  return order;
}

describe('sandbox storefront mapping, over arbitrary numbers', () => {
  it('refuses an order at the door, or maps it to events the hub can store', async () => {
    await fc.assert(
      fc.asyncProperty(orderChanges, async (list) => {
        const request = signedRequest('orders/create', JSON.stringify(orderWith(list)));
        await expectRefusedOrStorable(
          () => sandboxStorefront.parseWebhook(request, context),
          () => sandboxStorefront.toEvents({ topic: 'orders/create', ...request }, context),
        );
      }),
      { numRuns: 400 },
    );
  });

  it('takes every in-range quantity and price, exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: LIMITS.quantity.min, max: LIMITS.quantity.max }),
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        async (quantity, cents) => {
          const sign = cents < 0n ? '-' : '';
          const abs = cents < 0n ? -cents : cents;
          const price = `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
          const order = orderWith([
            [['line_items', 0, 'quantity'], quantity],
            [['line_items', 0, 'price'], price],
          ]);
          const request = signedRequest('orders/create', JSON.stringify(order));
          const events = await expectRefusedOrStorable(
            () => sandboxStorefront.parseWebhook(request, context),
            () => sandboxStorefront.toEvents({ topic: 'orders/create', ...request }, context),
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
    const request = signedRequest(
      'orders/create',
      JSON.stringify(orderWith([[['line_items', 1, 'price'], '90071992547409.92']])),
    );
    expect(() => sandboxStorefront.parseWebhook(request, context)).toThrow(
      /order\/line_items\/1\/price: "90071992547409.92" is out of range \(at most ±9007199254740991 minor units of EUR\)/,
    );
  });
});

describe('sandbox 3PL stock, over arbitrary numbers', () => {
  const stockEvent = (available: unknown[]) => ({
    event_id: 'evt-stock-1',
    occurred_at: '2025-03-01T10:00:00.000Z',
    location: 'main',
    levels: available.map((value, index) => ({ sku: `SKU-${index}`, available: value })),
  });

  it('refuses a stock event at the door, or maps it to levels the hub can store', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(numberValue(), { minLength: 1, maxLength: 3 }), async (available) => {
        const request = signedRequest('stock.changed', JSON.stringify(stockEvent(available)));
        await expectRefusedOrStorable(
          () => sandbox3pl.parseWebhook(request, context),
          () => sandbox3pl.toEvents({ topic: 'stock.changed', ...request }, context),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('keeps, from an API answer, exactly the levels the stock column holds', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer(), fc.maxSafeInteger()), { maxLength: 5 }), (available) => {
        const payload = stockEvent(available) as {
          location: string;
          levels: { sku: string; available: number }[];
        };
        const { levels, refused } = storableLevels(stockLevels(payload));
        expect(levels.length + refused.length).toBe(available.length);
        const event = { type: 'stock.changed', levels, occurredAt: '2025-03-01T10:00:00.000Z' };
        expect(canonicalEventProblem(event)).toBeNull();
        for (const level of levels) expect(Math.abs(level.available)).toBeLessThanOrEqual(2 ** 31);
      }),
    );
  });
});
