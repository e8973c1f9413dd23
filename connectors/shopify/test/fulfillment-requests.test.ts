/**
 * Fulfillment-service mode at the connector: a notification is only a ping, the sweep reads what
 * Shopify assigned to the hub's location, and the hub's answers accept or reject requests and
 * cancellation requests, harmlessly when repeated.
 */
import { describe, expect, it } from 'vitest';
import {
  answerCancellationRequest,
  answerFulfillmentRequest,
  sweepFulfillmentRequests,
} from '../fulfillment-requests.ts';
import { createShopifyConnector } from '../shopify-connector.ts';
import { shopifyEvents } from '../webhook-events.ts';
import { testAppConfig, testDeps } from './helpers/connector-deps.ts';
import { testContext } from './helpers/context.ts';
import { notification } from './helpers/deliveries.ts';
import { FakeShop } from './helpers/fake-shop.ts';
import { paidOrder, SHOP } from './helpers/fixtures.ts';
import { isolateShopify } from './helpers/isolation.ts';

isolateShopify();

function setUp() {
  const shop = new FakeShop(SHOP).start();
  shop.tokens.add('shpat_initial');
  const location = shop.addLocation();
  const context = testContext({
    state: { fulfillmentServiceId: 'gid://shopify/FulfillmentService/1', locationId: location },
  });
  return { shop, location, context, deps: testDeps() };
}

const orderRef = (fulfillmentOrderIds?: string[]) => ({
  sourceOrderId: '820982911946154508',
  sourceOrderName: '#9999',
  sourceData: fulfillmentOrderIds ? { fulfillmentOrderIds } : {},
});

describe('the fulfillment request sweep', () => {
  it('turns a notification into the requested order, ready to fulfil, with its fulfillment orders', async () => {
    const { shop, location, context, deps } = setUp();
    const order = shop.addOrderFromWebhook(
      paidOrder((payload) => {
        payload.line_items[1].requires_shipping = false; // the protection plan: not on the fulfillment order
      }),
      { locationId: location, requestStatus: 'SUBMITTED', requestedAt: '2026-11-20T15:30:00.000Z' },
    );
    shop.addOrderFromWebhook(
      paidOrder((payload) => (payload.admin_graphql_api_id = 'gid://shopify/Order/1')),
      {
        locationId: shop.addLocation(), // another location's request: not ours
        requestStatus: 'SUBMITTED',
      },
    );
    const { body, headers } = notification('FULFILLMENT_REQUEST');
    const events = await shopifyEvents(
      deps,
      { topic: 'fulfillment_order_notification', headers, rawBody: body },
      context,
    );

    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({
      type: 'order.upserted',
      order: {
        sourceOrderId: '820982911946154508',
        readyToFulfill: true,
        cancelled: false,
        sourceUpdatedAt: '2026-11-20T15:30:00.000Z', // the request, newer than the order's own update
        sourceData: { fulfillmentOrderIds: [order.fulfillmentOrders.nodes[0]?.id] },
      },
    });
    if (event?.type !== 'order.upserted') throw new Error('expected an order');
    expect(event.order.lines.map((line) => line.sku)).toEqual([
      'SKU2006-001',
      'CASE-LEATHER-PREM',
      'SKU2006-020',
      'SKU2006-035',
    ]);
    expect(shop.callsOf('assignedFulfillmentOrders')[0]?.variables).toMatchObject({
      status: 'FULFILLMENT_REQUESTED',
      locationIds: [location],
    });
    expect(shop.problems).toEqual([]);
  });

  it('rejects a fulfillment order too large to read whole, instead of shipping part of it', async () => {
    const { shop, location, context, deps } = setUp();
    const order = shop.addOrderFromWebhook(paidOrder(), { locationId: location, requestStatus: 'SUBMITTED' });
    const fulfillmentOrder = order.fulfillmentOrders.nodes[0]!;
    // More lines than the sweep's page of fifty holds.
    const [first] = fulfillmentOrder.lineItems.nodes;
    while (fulfillmentOrder.lineItems.nodes.length <= 50) {
      fulfillmentOrder.lineItems.nodes.push({ ...first!, id: shop.nextId('FulfillmentOrderLineItem') });
    }
    expect(await sweepFulfillmentRequests(deps, context, ['FULFILLMENT_REQUESTED'])).toEqual([]);
    expect(fulfillmentOrder.requestStatus).toBe('REJECTED');
    expect(fulfillmentOrder.answers[0]).toMatchObject({
      kind: 'reject_fulfillment',
      reason: 'ORDER_TOO_LARGE',
    });
  });

  it('turns cancellation requests into requested cancellations', async () => {
    const { shop, location, context, deps } = setUp();
    const order = shop.addOrderFromWebhook(paidOrder(), {
      locationId: location,
      requestStatus: 'ACCEPTED',
      status: 'IN_PROGRESS',
    });
    shop.requestCancellation(order.id, '2026-11-20T16:00:00.000Z');
    const { body, headers } = notification('CANCELLATION_REQUEST');
    expect(
      await shopifyEvents(deps, { topic: 'fulfillment_order_notification', headers, rawBody: body }, context),
    ).toEqual([
      {
        type: 'order.cancelled',
        sourceOrderId: '820982911946154508',
        sourceUpdatedAt: '2026-11-20T16:00:00.000Z',
        requested: true,
      },
    ]);
  });

  it('keeps what it read when throttled after the first page; the next sweep does the rest', async () => {
    const { shop, location, context, deps } = setUp();
    for (let index = 0; index < 4; index++) {
      shop.addOrderFromWebhook(
        paidOrder((payload) => (payload.admin_graphql_api_id = `gid://shopify/Order/${100 + index}`)),
        {
          locationId: location,
          requestStatus: 'SUBMITTED',
        },
      );
    }
    await sweepFulfillmentRequests(deps, context, ['CANCELLATION_REQUESTED']); // learn the bucket
    shop.bucket.currentlyAvailable = 1000; // one page (≈ 945 points), not two
    shop.bucket.restoreRate = 1;
    const events = await sweepFulfillmentRequests(deps, context, ['FULFILLMENT_REQUESTED']);
    expect(events).toHaveLength(3);
  });
});

describe('answering', () => {
  it('accepts the routed fulfillment orders, once', async () => {
    const { shop, location, context, deps } = setUp();
    const order = shop.addOrderFromWebhook(paidOrder(), { locationId: location, requestStatus: 'SUBMITTED' });
    const fulfillmentOrder = order.fulfillmentOrders.nodes[0]!;
    await answerFulfillmentRequest(deps, context, {
      order: orderRef([fulfillmentOrder.id]),
      outcome: 'accepted',
      reason: null,
    });
    expect(fulfillmentOrder).toMatchObject({ requestStatus: 'ACCEPTED', status: 'IN_PROGRESS' });
    await answerFulfillmentRequest(deps, context, {
      order: orderRef([fulfillmentOrder.id]),
      outcome: 'accepted',
      reason: null,
    });
    expect(shop.callsOf('fulfillmentOrderAcceptFulfillmentRequest')).toHaveLength(1);
  });

  it('rejects an unroutable request with Shopify’s reason and a message for the merchant', async () => {
    const { shop, location, context, deps } = setUp();
    const order = shop.addOrderFromWebhook(paidOrder(), { locationId: location, requestStatus: 'SUBMITTED' });
    await answerFulfillmentRequest(deps, context, {
      order: orderRef(),
      outcome: 'rejected',
      reason: 'unknown_sku',
    });
    expect(order.fulfillmentOrders.nodes[0]).toMatchObject({ requestStatus: 'REJECTED' });
    expect(order.fulfillmentOrders.nodes[0]?.answers).toEqual([
      {
        kind: 'reject_fulfillment',
        reason: 'INVALID_SKU',
        message: 'The warehouse does not stock a SKU of this order.',
      },
    ]);
  });

  it('accepts or refuses a cancellation request as the 3PL answered', async () => {
    const { shop, location, context, deps } = setUp();
    const order = shop.addOrderFromWebhook(paidOrder(), {
      locationId: location,
      requestStatus: 'ACCEPTED',
      status: 'IN_PROGRESS',
    });
    shop.requestCancellation(order.id);
    await answerCancellationRequest(deps, context, { order: orderRef(), outcome: 'cancelled', reason: null });
    expect(order.fulfillmentOrders.nodes[0]).toMatchObject({
      requestStatus: 'CANCELLATION_ACCEPTED',
      status: 'CLOSED',
    });

    const shipped = shop.addOrderFromWebhook(
      paidOrder((payload) => (payload.admin_graphql_api_id = 'gid://shopify/Order/77')),
      {
        locationId: location,
        requestStatus: 'ACCEPTED',
        status: 'IN_PROGRESS',
      },
    );
    shop.requestCancellation(shipped.id);
    await answerCancellationRequest(deps, context, {
      order: { ...orderRef(), sourceOrderId: '77' },
      outcome: 'refused',
      reason: 'already_shipped',
    });
    expect(shipped.fulfillmentOrders.nodes[0]).toMatchObject({ requestStatus: 'CANCELLATION_REJECTED' });
    expect(shipped.fulfillmentOrders.nodes[0]?.answers[0]?.message).toContain('already_shipped');
  });

  it('answers nothing in merchant-managed mode (there is no request to answer)', async () => {
    const { shop } = setUp();
    const connector = createShopifyConnector(testAppConfig());
    const context = testContext({ settings: { mode: 'merchant_managed' } });
    await connector.answerRouting?.(context, { order: orderRef(), outcome: 'accepted', reason: null });
    await connector.answerCancellation?.(context, { order: orderRef(), outcome: 'cancelled', reason: null });
    expect(shop.calls).toEqual([]);
  });
});
