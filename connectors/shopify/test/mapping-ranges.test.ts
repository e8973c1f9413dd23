/**
 * Property tests of the order mapping's ranges: arbitrary values in the numbers (and dates) of the
 * reference `orders/create` payload are either refused at the door or become canonical events the
 * hub can store; in-range values are never refused and arrive exactly. The same holds for orders
 * read from the Admin API, where nothing can be refused: those become `order.invalid`.
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
import { canonicalEventProblem, LIMITS, orderEventsOrInvalid } from '../../../src/sdk/index.ts';
import type { GraphqlOrder } from '../graphql/order-fields.ts';
import { mapOrder } from '../map-order.ts';
import { factsFromGraphql } from '../order-facts.ts';
import { parseShopifyDelivery } from '../parse-webhook.ts';
import { shopifyEvents } from '../webhook-events.ts';
import { testContext } from './helpers/context.ts';
import { delivery } from './helpers/deliveries.ts';
import { paidOrder, serialize } from './helpers/fixtures.ts';

const context = testContext({ settings: { mode: 'merchant_managed' } });

type Path = (string | number)[];
const lines = [0, 1, 2, 3, 4];
const quantityPaths: Path[] = lines.flatMap((i) => [
  ['line_items', i, 'quantity'],
  ['line_items', i, 'current_quantity'],
]);
const amountPaths: Path[] = [
  ['total_price'],
  ['total_price_set', 'presentment_money', 'amount'],
  ['current_total_price_set', 'presentment_money', 'amount'],
  ...lines.flatMap((i): Path[] => [
    ['line_items', i, 'price'],
    ['line_items', i, 'price_set', 'presentment_money', 'amount'],
  ]),
];
const datePaths: Path[] = [['created_at'], ['updated_at']];

const changes = fc.array(
  fc.oneof(
    fc.tuple(fc.constantFrom(...quantityPaths), numberValue()),
    fc.tuple(fc.constantFrom(...amountPaths), amountValue()),
    fc.tuple(fc.constantFrom(...datePaths), timestampValue()),
    // An older payload: no current_quantity, and a refund taking units off a line.
    fc.tuple(fc.constant(['refunds'] as Path), numberValue()),
  ),
  { minLength: 1, maxLength: 4 },
);

function orderWith(list: [Path, unknown][]) {
  return paidOrder((order) => {
    for (const [path, value] of list) {
      if (path[0] === 'refunds') {
        for (const line of order.line_items) delete line.current_quantity;
        order.refunds = [{ refund_line_items: [{ line_item_id: order.line_items[0].id, quantity: value }] }];
      } else setAt(order, path, value);
    }
  });
}

describe('Shopify order mapping, over arbitrary numbers', () => {
  it('refuses at the door, or maps to events the hub can store', async () => {
    await fc.assert(
      fc.asyncProperty(changes, async (list) => {
        const request = delivery(serialize(orderWith(list)), { topic: 'orders/create' });
        await expectRefusedOrStorable(
          () => parseShopifyDelivery(request, context),
          () => shopifyEvents(null, { topic: 'orders/create', ...request }, context),
        );
      }),
      { numRuns: 400 },
    );
  });

  it('takes every in-range quantity and amount, exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: LIMITS.quantity.min, max: LIMITS.quantity.max }),
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        async (quantity, cents) => {
          const price = `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
          const order = orderWith([
            [['line_items', 0, 'quantity'], quantity],
            [['line_items', 0, 'current_quantity'], quantity],
            [['line_items', 0, 'price'], price],
            [['line_items', 0, 'price_set', 'presentment_money', 'amount'], price],
          ]);
          const request = delivery(serialize(order), { topic: 'orders/create' });
          const events = await expectRefusedOrStorable(
            () => parseShopifyDelivery(request, context),
            () => shopifyEvents(null, { topic: 'orders/create', ...request }, context),
          );
          expect(events).not.toBeNull();
          const upserted = events?.[0];
          if (upserted?.type !== 'order.upserted') throw new Error('no order.upserted');
          const line = upserted.order.lines.find((l) => l.sourceLineId === '487817672276298554');
          if (quantity === 0) expect(line).toBeUndefined();
          else expect(line).toMatchObject({ quantity, unitPriceMinor: Number(cents) });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('names the field it refuses', () => {
    const request = delivery(
      serialize(
        orderWith([[['line_items', 2, 'price_set', 'presentment_money', 'amount'], '100000000000000000000']]),
      ),
      { topic: 'orders/create' },
    );
    expect(() => parseShopifyDelivery(request, context)).toThrow(
      /order\/line_items\/2\/price_set\/presentment_money\/amount/,
    );
  });
});

describe('Shopify orders read from the Admin API, over arbitrary amounts', () => {
  const graphqlOrder = (total: string, unitPrice: string, quantity: number) => {
    const order: GraphqlOrder = {
      id: 'gid://shopify/Order/1001',
      legacyResourceId: '1001',
      name: '#1001',
      createdAt: '2026-11-20T10:00:00Z',
      updatedAt: '2026-11-20T10:05:00Z',
      cancelledAt: null,
      test: false,
      email: 'zoe@example.com',
      note: null,
      tags: [],
      displayFinancialStatus: 'PAID',
      displayFulfillmentStatus: 'UNFULFILLED',
      presentmentCurrencyCode: 'USD',
      currentTotalPriceSet: { presentmentMoney: { amount: total, currencyCode: 'USD' } },
      shippingAddress: null,
      shippingLine: null,
    };
    const lineItem = {
      id: 'gid://shopify/LineItem/11',
      name: 'Mug',
      sku: 'MUG',
      currentQuantity: quantity,
      requiresShipping: true,
      isGiftCard: false,
      product: null,
      variant: null,
      originalUnitPriceSet: { presentmentMoney: { amount: unitPrice, currencyCode: 'USD' } },
    };
    return { order, lines: [{ lineItem, quantity }] };
  };

  it('become an order.upserted the hub can store, or an order.invalid with the reason, never an exception', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constant('10.00'), fc.string({ maxLength: 30 }), fc.bigInt({ min: 0n }).map(String)),
        fc.oneof(
          fc.constant('5.00'),
          fc.bigInt({ min: 0n, max: 10n ** 22n }).map((n) => `${n}.99`),
        ),
        // Summed over fulfillment orders, a quantity can leave the 32 bits GraphQL's Int has.
        fc.oneof(fc.integer({ min: 0, max: LIMITS.quantity.max }), fc.integer({ min: 0, max: 2 ** 33 })),
        (total, unitPrice, quantity) => {
          const { order, lines } = graphqlOrder(total, unitPrice, quantity);
          const events = orderEventsOrInvalid(
            {
              sourceOrderId: order.legacyResourceId,
              sourceOrderName: order.name,
              sourceUpdatedAt: order.updatedAt,
            },
            () => [
              {
                type: 'order.upserted',
                order: mapOrder(factsFromGraphql(order, lines), { mode: 'merchant_managed' }),
              },
            ],
          );
          expect(events).toHaveLength(1);
          expect(canonicalEventProblem(events[0])).toBeNull();
          if (events[0]?.type === 'order.invalid')
            expect(events[0].problem).toMatch(
              /(amount|quantity).*(out of range|not an amount|not an integer)/,
            );
        },
      ),
      { numRuns: 300 },
    );
  });
});
