/**
 * Mapping Shopify orders to the canonical order, from the reference payload (`orders_create.json`)
 * and variants of it. The reference order is a cancelled, voided test order; the variants say
 * what they change.
 */
import { describe, expect, it } from 'vitest';
import type { GraphqlOrder } from '../graphql/order-fields.ts';
import { mapOrder } from '../map-order.ts';
import { factsFromGraphql, factsFromWebhook } from '../order-facts.ts';
import { readJsonBody } from '../payload-validation.ts';
import { webhookOrder } from '../webhook-payloads.ts';
import { FakeShop } from './helpers/fake-shop.ts';
import { fixtureBytes, paidOrder, serialize } from './helpers/fixtures.ts';

const fromBytes = (bytes: Buffer) => factsFromWebhook(webhookOrder.fromWebhook(readJsonBody(bytes)));
const merchantManaged = { mode: 'merchant_managed' as const };

describe('mapping the reference order (orders/create, 2026-07)', () => {
  const order = mapOrder(fromBytes(fixtureBytes('orders_create.json')), merchantManaged);

  it('keeps ids exact although they exceed 2^53', () => {
    expect(JSON.parse(fixtureBytes('orders_create.json').toString()).id).toBe(820982911946154500); // what JSON.parse does
    expect(order.sourceOrderId).toBe('820982911946154508');
    expect(order.lines.map((line) => line.sourceLineId)).toEqual([
      '487817672276298554',
      '789012345678901234',
      '890123456789012345',
      '976318377106520349',
      '315789986012684393',
    ]);
  });

  it('maps the order’s fields', () => {
    expect(order).toMatchObject({
      sourceOrderName: '#9999',
      sourceUpdatedAt: '2021-12-31T19:00:00-05:00',
      placedAt: '2021-12-31T19:00:00-05:00',
      currency: 'USD',
      totalMinor: 41495, // current_total_price: after edits and refunds
      email: 'jon@example.com',
      shippingMethod: 'Generic Shipping',
      tags: ['tag1', 'tag2'],
      note: null,
      test: true,
    });
    expect(order.shippingAddress).toEqual({
      name: 'Steve Shipper',
      company: 'Shipping Company',
      address1: '123 Shipping Street',
      address2: null,
      city: 'Shippington',
      province: 'KY',
      postalCode: '40003',
      countryCode: 'US',
      phone: '555-555-SHIP',
    });
    expect(order.lines[0]).toEqual({
      sourceLineId: '487817672276298554',
      sku: 'SKU2006-001',
      name: 'Aviator sunglasses',
      quantity: 1,
      unitPriceMinor: 8999,
      requiresShipping: true,
      // The storefront's own ids, exact beyond 2^53, so the SKU map can name a line by them.
      sourceProductId: '788032119674292922',
      sourceVariantId: null,
    });
  });

  it('is cancelled and not ready: the reference order was voided and cancelled', () => {
    expect(order.cancelled).toBe(true);
    expect(order.readyToFulfill).toBe(false);
  });
});

describe('variants of the reference order', () => {
  const map = (
    change: (order: any) => void,
    mode: 'merchant_managed' | 'fulfillment_service' = 'merchant_managed',
  ) => mapOrder(fromBytes(serialize(paidOrder(change))), { mode });

  it('a paid, open order is ready to fulfil (merchant-managed)', () => {
    const order = map(() => {});
    expect(order).toMatchObject({ cancelled: false, readyToFulfill: true });
  });

  it('an unpaid or fully fulfilled order is not', () => {
    expect(map((order) => (order.financial_status = 'pending')).readyToFulfill).toBe(false);
    expect(map((order) => (order.financial_status = 'authorized')).readyToFulfill).toBe(false);
    expect(map((order) => (order.fulfillment_status = 'fulfilled')).readyToFulfill).toBe(false);
    expect(map((order) => (order.financial_status = 'partially_refunded')).readyToFulfill).toBe(true);
  });

  it('as a fulfillment service the request is the signal, whatever the payment state', () => {
    expect(
      map((order) => (order.financial_status = 'authorized'), 'fulfillment_service').readyToFulfill,
    ).toBe(true);
  });

  it('keeps a line without a SKU, with a null SKU (the hub holds it as missing_sku)', () => {
    const order = map((order) => {
      order.line_items[0].sku = '';
      order.line_items[1].sku = null;
    });
    expect(order.lines[0]?.sku).toBeNull();
    expect(order.lines[1]?.sku).toBeNull();
    expect(order.lines[0]?.requiresShipping).toBe(true);
  });

  it('carries a SKU-less line’s product and variant ids exactly, so the SKU map can name it', () => {
    const order = map((order) => {
      order.line_items[0].sku = null;
      order.line_items[0].product_id = 632910392;
      order.line_items[0].variant_id = 49148385;
      order.line_items[1].product_id = null; // a custom line item: no product behind it
      order.line_items[1].variant_id = null;
    });
    expect(order.lines[0]).toMatchObject({
      sku: null,
      sourceProductId: '632910392',
      sourceVariantId: '49148385',
    });
    expect(order.lines[1]).toMatchObject({ sourceProductId: null, sourceVariantId: null });
  });

  it('marks gift cards and non-shippable lines as not shipping (never sent to a 3PL)', () => {
    const order = map((order) => {
      order.line_items[0].gift_card = true; // a gift card product marked shippable: still email-delivered
      order.line_items[1].requires_shipping = false; // the protection plan: a service
    });
    expect(order.lines.map((line) => line.requiresShipping)).toEqual([false, false, true, true, true]);
  });

  it('takes removed and refunded units out, and drops lines with nothing left', () => {
    const order = map((order) => {
      order.line_items[0].quantity = 3;
      order.line_items[0].current_quantity = 2; // one removed by an order edit
      order.line_items[4].current_quantity = 0; // refunded entirely
    });
    expect(order.lines.map((line) => [line.sku, line.quantity])).toEqual([
      ['SKU2006-001', 2],
      ['LENS-PROTECT-2YR', 1],
      ['CASE-LEATHER-PREM', 1],
      ['SKU2006-020', 1],
    ]);
  });

  it('falls back to the refunds (by exact line id) when current_quantity is absent', () => {
    const bytes = serialize(
      paidOrder((order) => {
        for (const line of order.line_items) delete line.current_quantity;
        order.line_items[3].quantity = 4;
        order.refunds = [{ refund_line_items: [{ line_item_id: order.line_items[3].id, quantity: 3 }] }];
      }),
    );
    // The refund names the line by its numeric id, beyond 2^53: only an exact parse matches it.
    expect(bytes.toString()).toContain('"line_item_id":976318377106520349');
    const order = mapOrder(fromBytes(bytes), merchantManaged);
    expect(order.lines.find((line) => line.sku === 'SKU2006-020')?.quantity).toBe(1);
  });

  it('uses the currency the customer paid in (multi-currency) with its amounts', () => {
    const order = map((order) => {
      order.presentment_currency = 'EUR';
      order.current_total_price_set.presentment_money = { amount: '381.05', currency_code: 'EUR' };
      for (const line of order.line_items) {
        line.price_set.presentment_money = { amount: '9.10', currency_code: 'EUR' };
      }
    });
    expect(order.currency).toBe('EUR');
    expect(order.totalMinor).toBe(38105);
    expect(order.lines.every((line) => line.unitPriceMinor === 910)).toBe(true);
  });

  it('converts zero-decimal currencies to whole minor units', () => {
    const order = map((order) => {
      order.presentment_currency = 'JPY';
      order.current_total_price_set.presentment_money = { amount: '61390', currency_code: 'JPY' };
      order.line_items[0].price_set.presentment_money = { amount: '13300', currency_code: 'JPY' };
    });
    expect(order.totalMinor).toBe(61390);
    expect(order.lines[0]?.unitPriceMinor).toBe(13300);
  });

  it('keeps non-ASCII addresses intact, and builds a name from its parts', () => {
    const order = map((order) => {
      order.shipping_address = {
        first_name: 'Zoë',
        last_name: 'Müller-Łukasiewicz',
        name: null,
        address1: 'ul. Świętokrzyska 11/21',
        address2: '',
        city: 'Kraków',
        province: 'Małopolskie',
        province_code: null,
        zip: '31-000',
        country_code: 'pl',
        phone: '+48 12 345 67 89',
        company: null,
      };
    });
    expect(order.shippingAddress).toEqual({
      name: 'Zoë Müller-Łukasiewicz',
      company: null,
      address1: 'ul. Świętokrzyska 11/21',
      address2: null,
      city: 'Kraków',
      province: 'Małopolskie',
      postalCode: '31-000',
      countryCode: 'PL',
      phone: '+48 12 345 67 89',
    });
  });

  it('an address without street or country is no address (held as missing_address, not shipped)', () => {
    expect(map((order) => (order.shipping_address.address1 = '')).shippingAddress).toBeNull();
    expect(map((order) => (order.shipping_address = null)).shippingAddress).toBeNull();
  });

  it('refuses a payload it cannot read (a numeric GID, a money float)', () => {
    expect(() => webhookOrder.fromWebhook({ ...paidOrder(), admin_graphql_api_id: 820982911946 })).toThrow(
      /order/,
    );
    expect(() => webhookOrder.fromWebhook({ ...paidOrder(), total_price: 404.95 })).toThrow(/total_price/);
  });
});

describe('the GraphQL reading of an order', () => {
  it('maps to the same canonical order as its webhook', () => {
    const payload = paidOrder((order) => {
      order.presentment_currency = 'EUR';
      order.current_total_price_set.presentment_money = { amount: '381.05', currency_code: 'EUR' };
      for (const line of order.line_items)
        line.price_set.presentment_money = { amount: '9.10', currency_code: 'EUR' };
    });
    const shop = new FakeShop('x.myshopify.com');
    // The fake shop holds the order as Shopify's GraphQL API shows it.
    const graphqlOrder = shop.addOrderFromWebhook(payload, {
      locationId: shop.addLocation(),
    }) as unknown as GraphqlOrder & {
      lineItems: { nodes: any[] };
    };
    const fromGraphql = mapOrder(
      factsFromGraphql(
        graphqlOrder,
        graphqlOrder.lineItems.nodes.map((lineItem) => ({ lineItem, quantity: lineItem.currentQuantity })),
      ),
      merchantManaged,
    );
    const fromWebhook = mapOrder(fromBytes(serialize(payload)), merchantManaged);
    const normalize = (order: typeof fromWebhook) => ({
      ...order,
      sourceUpdatedAt: new Date(order.sourceUpdatedAt).toISOString(),
      placedAt: new Date(order.placedAt).toISOString(),
    });
    expect(normalize(fromGraphql)).toEqual(normalize(fromWebhook));
  });
});
