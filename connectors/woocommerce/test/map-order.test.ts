import { describe, expect, it } from 'vitest';
import { decodeEntities, mapAddress, mapOrder, mapOrderEvents, orderGate } from '../map-order.ts';
import { wooOrder } from '../woo-payloads.ts';
import { fixtureJson, fixtureText, orderWith } from './helpers/woo-test-kit.ts';

describe('mapping a WooCommerce order', () => {
  it('maps the docs order (with real SKUs) to the canonical order', () => {
    const order = mapOrder(wooOrder.fromWebhook(fixtureJson('order.rest-v3.with-skus.json')));
    expect(order).toEqual({
      sourceOrderId: '727',
      sourceOrderName: '#727',
      sourceUpdatedAt: '2017-03-22T19:28:08.000Z',
      placedAt: '2017-03-22T19:28:02.000Z',
      currency: 'USD',
      totalMinor: 2935,
      email: 'john.doe@example.com',
      shippingAddress: {
        name: 'John Doe',
        company: null,
        address1: '969 Market',
        address2: null,
        city: 'San Francisco',
        province: 'CA',
        postalCode: '94103',
        countryCode: 'US',
        // The shipping address has no phone; the billing one is the one a carrier can call.
        phone: '(555) 555-5555',
      },
      shippingMethod: 'Flat Rate',
      lines: [
        {
          sourceLineId: '315',
          sku: 'WOO-SINGLE-1',
          name: 'Woo Single #1',
          quantity: 2,
          unitPriceMinor: 300,
          requiresShipping: true,
          sourceProductId: '93',
          // WooCommerce's variation_id 0: not a variation.
          sourceVariantId: null,
        },
        {
          sourceLineId: '316',
          // A variation's line carries the variation's own SKU.
          sku: 'SYI-BLACK-M',
          name: 'Ship Your Idea – Color: Black, Size: M Test',
          quantity: 1,
          unitPriceMinor: 1200,
          requiresShipping: true,
          sourceProductId: '22',
          sourceVariantId: '23',
        },
      ],
      tags: [],
      note: null,
      test: false,
      readyToFulfill: true,
      cancelled: false,
      sourceData: { number: '727' },
    });
  });

  it('keeps a blank SKU as null (the docs sample leaves the simple product without one)', () => {
    const order = mapOrder(wooOrder.fromWebhook(fixtureJson('order.rest-v3.retrieve.docs.json')));
    expect(order.lines.map((line) => line.sku)).toEqual([null, 'Bar3']);
  });

  it('reads the PHP-escaped bytes WooCommerce sends, non-ASCII included', () => {
    const order = mapOrder(
      wooOrder.fromWebhook(JSON.parse(fixtureText('order.webhook-body.php-escaped.json'))),
    );
    expect(order.shippingAddress?.name).toBe('Zoë Doe');
    expect(order.shippingAddress?.city).toBe('Kraków');
    expect(order.note).toBe('Leave at the door / back yard');
  });

  it('tolerates fields it does not know, newer fields and missing optional ones', () => {
    const raw = orderWith({
      payment_url: 'https://example.com/pay',
      is_editable: false,
      needs_processing: true,
      some_plugin_field: { nested: [1, 2] },
      billing: undefined,
      shipping_lines: undefined,
    });
    delete raw.billing;
    delete raw.shipping_lines;
    const order = mapOrder(wooOrder.fromWebhook(raw));
    expect(order.email).toBeNull();
    expect(order.shippingMethod).toBeNull();
    expect(order.shippingAddress?.countryCode).toBe('US');
  });

  it('uses the order number, not the id, as the name (sequential-number plugins)', () => {
    const order = mapOrder(wooOrder.fromWebhook(orderWith({ id: 9001, number: 'WC-2026-0042' })));
    expect(order.sourceOrderId).toBe('9001');
    expect(order.sourceOrderName).toBe('#WC-2026-0042');
    expect(order.sourceData).toEqual({ number: 'WC-2026-0042' });
  });

  it('drops lines with no quantity left and maps the customer note', () => {
    const raw = orderWith({ customer_note: 'Ring twice' });
    raw.line_items = [{ ...raw.line_items[0], quantity: 0 }, raw.line_items[1]];
    const order = mapOrder(wooOrder.fromWebhook(raw));
    expect(order.lines.map((l) => l.sourceLineId)).toEqual(['316']);
    expect(order.note).toBe('Ring twice');
  });

  it('falls back to the billing address when the order has no shipping address', () => {
    const billing = fixtureJson('order.rest-v3.with-skus.json').billing;
    expect(mapAddress({ first_name: '', address_1: '', country: '' }, billing)?.address1).toBe('969 Market');
    expect(mapAddress(null, { first_name: 'A' })).toBeNull();
    expect(
      mapAddress({ company: 'ACME', address_1: 'Main 1', city: 'X', country: 'de' }, null),
    ).toMatchObject({
      name: 'ACME',
      countryCode: 'DE',
    });
  });

  it('joins several shipping lines and decodes their names', () => {
    const order = mapOrder(
      wooOrder.fromWebhook(
        orderWith({
          shipping_lines: [
            { id: 1, method_title: 'DHL &amp; Co', method_id: 'dhl' },
            { id: 2, method_title: '', method_id: 'local_pickup' },
          ],
        }),
      ),
    );
    expect(order.shippingMethod).toBe('DHL & Co, local_pickup');
  });
});

describe('order status gate', () => {
  const paid = '2017-03-22T19:28:08';
  it.each([
    ['processing', paid, 'route'],
    ['processing', null, 'wait'],
    ['on-hold', paid, 'wait'],
    ['pending', null, 'wait'],
    ['failed', null, 'wait'],
    ['completed', paid, 'wait'],
    ['checkout-draft', null, 'skip'],
    ['draft', null, 'skip'],
    ['cancelled', paid, 'cancel'],
    ['refunded', paid, 'cancel'],
    ['trash', paid, 'cancel'],
    // Statuses plugins add are recorded and never routed.
    ['delivered', paid, 'wait'],
    ['partial-shipped', paid, 'wait'],
    ['ready-for-pickup', paid, 'wait'],
  ])('%s (paid: %s) → %s', (status, datePaid, gate) => {
    expect(orderGate({ status, date_paid_gmt: datePaid })).toBe(gate);
  });

  it('routes only processing-and-paid orders and cancels withdrawn ones', () => {
    const map = (changes: Record<string, unknown>) =>
      mapOrderEvents(wooOrder.fromWebhook(orderWith(changes)));
    expect(map({ status: 'processing' })[0]).toMatchObject({
      type: 'order.upserted',
      order: { readyToFulfill: true, cancelled: false },
    });
    expect(map({ status: 'on-hold' })[0]).toMatchObject({
      order: { readyToFulfill: false, cancelled: false },
    });
    expect(map({ status: 'pending', date_paid_gmt: null })[0]).toMatchObject({
      order: { readyToFulfill: false },
    });
    expect(map({ status: 'cancelled' })[0]).toMatchObject({
      order: { readyToFulfill: false, cancelled: true },
    });
    expect(map({ status: 'refunded' })[0]).toMatchObject({ order: { cancelled: true } });
    expect(map({ status: 'trash' })[0]).toMatchObject({ order: { cancelled: true } });
    // A block-checkout draft is a cart: nothing for the hub.
    expect(map({ status: 'checkout-draft' })).toEqual([]);
  });
});

describe('money', () => {
  it('turns decimal strings into minor units without floats', () => {
    const order = mapOrder(wooOrder.fromWebhook(orderWith({ total: '0.29' })));
    expect(order.totalMinor).toBe(29);
  });

  it('handles currencies with zero and three decimals', () => {
    expect(mapOrder(wooOrder.fromWebhook(orderWith({ currency: 'JPY', total: '1500' }))).totalMinor).toBe(
      1500,
    );
    expect(mapOrder(wooOrder.fromWebhook(orderWith({ currency: 'KWD', total: '12.345' }))).totalMinor).toBe(
      12345,
    );
  });

  it('reads the line price, which WooCommerce sends as a JSON number, without float noise', () => {
    const raw = orderWith({});
    raw.line_items = [
      { ...raw.line_items[0], price: 0.1 + 0.2 },
      { ...raw.line_items[1], price: 19.99 },
    ];
    expect(mapOrder(wooOrder.fromWebhook(raw)).lines.map((l) => l.unitPriceMinor)).toEqual([30, 1999]);
  });

  it('derives a unit price from the subtotal when the price is missing', () => {
    const raw = orderWith({});
    raw.line_items = [{ ...raw.line_items[0], price: null, subtotal: '10.00', quantity: 4 }];
    expect(mapOrder(wooOrder.fromWebhook(raw)).lines[0]?.unitPriceMinor).toBe(250);
  });

  it('refuses an amount that is not one', () => {
    expect(() => mapOrder(wooOrder.fromWebhook(orderWith({ total: 'N/A' })))).toThrow(/not an amount/);
  });
});

describe('decodeEntities', () => {
  it('decodes the entities WooCommerce puts in names', () => {
    expect(decodeEntities('Tee &ndash; Black &amp; White &#8220;XL&#8221; &#x2019;')).toBe(
      'Tee – Black & White “XL” ’',
    );
    expect(decodeEntities('&unknown; &#0;')).toBe('&unknown; &#0;');
  });
});
