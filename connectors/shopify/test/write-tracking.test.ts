/**
 * Writing a shipment back as a Shopify fulfillment with tracking: per fulfillment order and
 * location, Shopify's carrier names, split shipments, tracking corrections, and no second
 * fulfillment when a write is retried.
 */
import { describe, expect, it } from 'vitest';
import { NeedsHumanError, RetryableError } from '../../../src/sdk/index.ts';
import { shopifyCarrierName, trackingInputFor } from '../carriers.ts';
import { writeShopifyTracking } from '../write-tracking.ts';
import { testDeps } from './helpers/connector-deps.ts';
import { testContext } from './helpers/context.ts';
import { FakeShop } from './helpers/fake-shop.ts';
import { paidOrder, SHOP } from './helpers/fixtures.ts';
import { isolateShopify } from './helpers/isolation.ts';

isolateShopify();

const ORDER = { sourceOrderId: '820982911946154508', sourceOrderName: '#9999', sourceData: {} };
const ups = {
  carrier: 'UPS',
  number: '1Z999AA10123456784',
  url: 'https://tracking.example/1Z999AA10123456784',
};

function merchantManaged(settings: Record<string, unknown> = {}) {
  const shop = new FakeShop(SHOP).start();
  shop.tokens.add('shpat_initial');
  const location = shop.addLocation();
  const order = shop.addOrderFromWebhook(paidOrder(), { locationId: location });
  const context = testContext({ settings: { mode: 'merchant_managed', ...settings } });
  return { shop, location, order, context, deps: testDeps() };
}

const line = (sourceLineId: string, quantity = 1) => ({ sourceLineId, sku: 'X', quantity });

describe('writing tracking (merchant-managed)', () => {
  it('fulfils the shipped lines of the fulfillment order with Shopify’s carrier name, notifying the customer', async () => {
    const { shop, order, context, deps } = merchantManaged();
    const result = await writeShopifyTracking(deps, context, {
      order: ORDER,
      shipment: {
        id: 'ship-1',
        lines: [line('487817672276298554'), line('976318377106520349')],
        tracking: ups,
      },
      previousExternalId: null,
    });
    const [fulfillment] = order.fulfillments;
    expect(result).toEqual({ externalId: fulfillment?.id });
    const fulfillmentOrder = order.fulfillmentOrders.nodes[0]!;
    const [create] = shop.callsOf('fulfillmentCreate');
    expect(create?.variables.fulfillment).toEqual({
      lineItemsByFulfillmentOrder: [
        {
          fulfillmentOrderId: fulfillmentOrder.id,
          fulfillmentOrderLineItems: [
            { id: fulfillmentOrder.lineItems.nodes[0]?.id, quantity: 1 },
            { id: fulfillmentOrder.lineItems.nodes[3]?.id, quantity: 1 },
          ],
        },
      ],
      notifyCustomer: true,
      // A carrier Shopify knows: its name only; Shopify builds the link and follows the parcel.
      trackingInfo: { company: 'UPS', number: '1Z999AA10123456784' },
    });
    expect(shop.problems).toEqual([]);
  });

  it('never creates a second fulfillment when a write is retried after a lost answer', async () => {
    const { shop, order, context, deps } = merchantManaged();
    shop.loseAnswerOf.add('HubFulfillmentCreate');
    const input = {
      order: ORDER,
      shipment: { id: 'ship-1', lines: [line('487817672276298554')], tracking: ups },
      previousExternalId: null,
    };
    await expect(writeShopifyTracking(deps, context, input)).rejects.toBeInstanceOf(RetryableError);
    expect(order.fulfillments).toHaveLength(1); // Shopify made it; we never heard
    const retried = await writeShopifyTracking(deps, context, input);
    expect(order.fulfillments).toHaveLength(1);
    expect(retried).toEqual({ externalId: order.fulfillments[0]?.id });
    expect(shop.callsOf('fulfillmentCreate')).toHaveLength(1);
  });

  it('makes one fulfillment per shipment of a split order, down to partial quantities', async () => {
    const { order, context, deps } = merchantManaged();
    const fulfillmentOrder = order.fulfillmentOrders.nodes[0]!;
    fulfillmentOrder.lineItems.nodes[0]!.remainingQuantity = 3;
    const first = await writeShopifyTracking(deps, context, {
      order: ORDER,
      shipment: {
        id: 'ship-1',
        lines: [line('487817672276298554', 2), line('890123456789012345')],
        tracking: ups,
      },
      previousExternalId: null,
    });
    const second = await writeShopifyTracking(deps, context, {
      order: ORDER,
      shipment: {
        id: 'ship-2',
        lines: [
          line('487817672276298554', 1),
          line('976318377106520349'),
          line('315789986012684393'),
          line('789012345678901234'),
        ],
        tracking: { carrier: 'DHL', number: 'JJD000390007123456', url: null },
      },
      previousExternalId: null,
    });
    expect(order.fulfillments.map((fulfillment) => fulfillment.id)).toEqual([
      first.externalId,
      second.externalId,
    ]);
    expect(order.fulfillments[1]?.trackingInfo).toEqual([
      { company: 'DHL Express', number: 'JJD000390007123456', url: null },
    ]);
    expect(fulfillmentOrder.status).toBe('CLOSED');
  });

  it('splits one shipment over two locations into two fulfillments', async () => {
    const { shop, order, context, deps } = merchantManaged();
    const secondLocation = shop.addLocation();
    // Move two lines to a second fulfillment order at another of the merchant's locations.
    const original = order.fulfillmentOrders.nodes[0]!;
    const moved = original.lineItems.nodes.splice(2, 2);
    order.fulfillmentOrders.nodes.push({
      ...original,
      id: shop.nextId('FulfillmentOrder'),
      assignedLocation: { location: { id: secondLocation } },
      lineItems: { nodes: moved, pageInfo: { hasNextPage: false, endCursor: null } },
      answers: [],
    });
    const result = await writeShopifyTracking(deps, context, {
      order: ORDER,
      shipment: {
        id: 'ship-1',
        lines: [line('487817672276298554'), line('976318377106520349')],
        tracking: ups,
      },
      previousExternalId: null,
    });
    expect(order.fulfillments.map((fulfillment) => fulfillment.location?.id).sort()).toEqual(
      [original.assignedLocation.location?.id, secondLocation].sort(),
    );
    expect(result.externalId.split(',')).toHaveLength(2);
  });

  it('updates the tracking of the fulfillments it made when the tracking changes', async () => {
    const { shop, order, context, deps } = merchantManaged();
    const first = await writeShopifyTracking(deps, context, {
      order: ORDER,
      shipment: { id: 'ship-1', lines: [line('487817672276298554')], tracking: ups },
      previousExternalId: null,
    });
    const relabelled = { carrier: 'Sendle Express', number: 'SNDL123', url: 'https://track.example/SNDL123' };
    const again = await writeShopifyTracking(deps, context, {
      order: ORDER,
      shipment: { id: 'ship-1', lines: [line('487817672276298554')], tracking: relabelled },
      previousExternalId: first.externalId,
    });
    expect(again).toEqual(first);
    expect(order.fulfillments).toHaveLength(1);
    expect(order.fulfillments[0]?.trackingInfo).toEqual([
      { company: 'Sendle Express', number: 'SNDL123', url: 'https://track.example/SNDL123' },
    ]);
    expect(shop.callsOf('fulfillmentTrackingInfoUpdate')[0]?.variables).toMatchObject({
      notifyCustomer: true,
    });
  });

  it('on a bucket smaller than the usual read, reads in pages that fit it and fulfils every line', async () => {
    const { shop, order, context, deps } = merchantManaged();
    // Sixty lines on one fulfillment order: more than one page of lines.
    const fulfillmentOrder = order.fulfillmentOrders.nodes[0]!;
    const [first] = fulfillmentOrder.lineItems.nodes;
    while (fulfillmentOrder.lineItems.nodes.length < 60) {
      const id = `${9000 + fulfillmentOrder.lineItems.nodes.length}`;
      fulfillmentOrder.lineItems.nodes.push({
        ...first!,
        id: shop.nextId('FulfillmentOrderLineItem'),
        lineItem: { ...first!.lineItem, id: `gid://shopify/LineItem/${id}` },
      });
    }
    shop.setBucket({ maximumAvailable: 120, restoreRate: 1000 });
    const lines = fulfillmentOrder.lineItems.nodes.map((node) => line(node.lineItem.id.split('/').pop()!));
    await writeShopifyTracking(deps, context, {
      order: ORDER,
      shipment: { id: 'ship-1', lines, tracking: ups },
      previousExternalId: null,
    });
    expect(order.fulfillments).toHaveLength(1);
    expect(order.fulfillments[0]?.lines).toHaveLength(60);
    const reads = shop.calls.filter((call) => call.operationName !== 'HubFulfillmentCreate');
    // The first read, at the usual size, told the hub the bucket; every later one fitted it.
    expect(reads[0]).toMatchObject({ operationName: 'HubOrderFulfillmentState', outcome: 'throttled' });
    expect(reads.slice(1).every((call) => call.outcome === 'ok' && (call.requestedCost ?? 0) <= 120)).toBe(
      true,
    );
    expect(reads.map((call) => call.operationName)).toContain('HubFulfillmentOrderLines');
    expect(shop.problems).toEqual([]);
  });

  it('only fulfils at the locations the merchant named', async () => {
    const { context, deps, order } = merchantManaged({ locationIds: ['gid://shopify/Location/42'] });
    const error = await writeShopifyTracking(deps, context, {
      order: ORDER,
      shipment: { id: 'ship-1', lines: [line('487817672276298554')], tracking: ups },
      previousExternalId: null,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NeedsHumanError);
    expect(error).toMatchObject({ code: 'nothing_to_fulfill' });
    expect(order.fulfillments).toEqual([]);
  });
});

describe('writing tracking (fulfillment service)', () => {
  it('fulfils what the hub accepted at its location, accepting first if the answer had not reached Shopify', async () => {
    const shop = new FakeShop(SHOP).start();
    shop.tokens.add('shpat_initial');
    const location = shop.addLocation();
    const order = shop.addOrderFromWebhook(paidOrder(), { locationId: location, requestStatus: 'SUBMITTED' });
    const context = testContext({
      state: { fulfillmentServiceId: 'gid://shopify/FulfillmentService/1', locationId: location },
    });
    await writeShopifyTracking(testDeps(), context, {
      order: ORDER,
      shipment: { id: 'ship-1', lines: [line('487817672276298554')], tracking: ups },
      previousExternalId: null,
    });
    expect(shop.callsOf('fulfillmentOrderAcceptFulfillmentRequest')).toHaveLength(1);
    expect(order.fulfillments).toHaveLength(1);
    expect(order.fulfillments[0]?.location?.id).toBe(location);
  });
});

describe('writing tracking after a refused cancellation', () => {
  it('still fulfils: the hub kept the work when it refused to cancel', async () => {
    const shop = new FakeShop(SHOP).start();
    shop.tokens.add('shpat_initial');
    const location = shop.addLocation();
    const order = shop.addOrderFromWebhook(paidOrder(), {
      locationId: location,
      requestStatus: 'CANCELLATION_REJECTED',
      status: 'IN_PROGRESS',
    });
    const context = testContext({
      state: { fulfillmentServiceId: 'gid://shopify/FulfillmentService/1', locationId: location },
    });
    await writeShopifyTracking(testDeps(), context, {
      order: ORDER,
      shipment: { id: 'ship-1', lines: [line('487817672276298554')], tracking: ups },
      previousExternalId: null,
    });
    expect(order.fulfillments).toHaveLength(1);
  });
});

describe('carrier names', () => {
  it('matches Shopify’s list loosely and spells it Shopify’s way', () => {
    expect(shopifyCarrierName('ups')).toBe('UPS');
    expect(shopifyCarrierName('fedex')).toBe('FedEx');
    expect(shopifyCarrierName('DHL')).toBe('DHL Express');
    expect(shopifyCarrierName('royal_mail')).toBe('Royal Mail');
    expect(shopifyCarrierName('Lietuvos Pastas')).toBe('Lietuvos Paštas');
    expect(shopifyCarrierName('Acme Couriers')).toBeNull();
    expect(shopifyCarrierName(null)).toBeNull();
  });

  it('sends an unknown carrier as named with the 3PL’s tracking URL', () => {
    expect(
      trackingInputFor({ carrier: 'Acme Couriers', number: 'A1', url: 'https://acme.example/A1' }),
    ).toEqual({
      company: 'Acme Couriers',
      number: 'A1',
      url: 'https://acme.example/A1',
    });
    expect(trackingInputFor({ carrier: null, number: 'A1', url: null })).toEqual({ number: 'A1' });
  });
});
