import { describe, expect, it } from 'vitest';
import { mapStorefrontOrder } from '../map-storefront-order.ts';
import { orderPayload } from './helpers/order-payload.ts';

describe('mapStorefrontOrder', () => {
  it('maps a paid order to the canonical order, money in minor units', () => {
    expect(mapStorefrontOrder(orderPayload())).toEqual({
      sourceOrderId: '7001000000000000123',
      sourceOrderName: '#1042',
      sourceUpdatedAt: '2025-03-01T10:05:00.000Z',
      placedAt: '2025-03-01T10:00:00.000Z',
      currency: 'EUR',
      totalMinor: 4990,
      email: 'zoe.mueller@example.com',
      shippingAddress: {
        name: 'Zoë Müller',
        company: null,
        address1: 'ul. Floriańska 3/5',
        address2: null,
        city: 'Kraków',
        province: 'Małopolskie',
        postalCode: '31-019',
        countryCode: 'PL',
        phone: null,
      },
      shippingMethod: 'standard',
      lines: [
        {
          sourceLineId: '7101000000000000456',
          sku: 'SBX-MUG',
          name: 'Sandbox mug',
          quantity: 2,
          unitPriceMinor: 1250,
          requiresShipping: true,
          sourceProductId: null,
          sourceVariantId: null,
        },
        {
          sourceLineId: '7101000000000000457',
          sku: 'SBX-SOCKS',
          name: 'Sandbox socks (2 pairs)',
          quantity: 1,
          unitPriceMinor: 2490,
          requiresShipping: true,
          sourceProductId: null,
          sourceVariantId: null,
        },
      ],
      tags: ['sandbox', 'vip'],
      note: null,
      test: true,
      readyToFulfill: true,
      cancelled: false,
    });
  });

  it('carries the product and variant ids of a line, for the SKU map', () => {
    const payload = orderPayload();
    payload.line_items[0] = {
      ...payload.line_items[0]!,
      sku: null,
      product_id: 'card-1',
      variant_id: 'card-1-red',
    };
    expect(mapStorefrontOrder(payload).lines[0]).toMatchObject({
      sku: null,
      sourceProductId: 'card-1',
      sourceVariantId: 'card-1-red',
    });
  });

  it('keeps ids above 2^53 exactly as sent', () => {
    const mapped = mapStorefrontOrder(orderPayload({ id: '9007199254740993001' }));
    expect(mapped.sourceOrderId).toBe('9007199254740993001');
    expect(mapped.lines.map((line) => line.sourceLineId)).toEqual([
      '7101000000000000456',
      '7101000000000000457',
    ]);
  });

  it('converts amounts without float rounding and by the currency exponent', () => {
    expect(mapStorefrontOrder(orderPayload({ total_price: '0.29' })).totalMinor).toBe(29);
    expect(mapStorefrontOrder(orderPayload({ total_price: '4990', currency: 'JPY' })).totalMinor).toBe(4990);
  });

  it('holds back an unpaid order', () => {
    const mapped = mapStorefrontOrder(orderPayload({ financial_status: 'pending' }));
    expect(mapped.readyToFulfill).toBe(false);
    expect(mapped.cancelled).toBe(false);
  });

  it('marks a cancelled order cancelled and not ready, even when paid', () => {
    const mapped = mapStorefrontOrder(orderPayload({ cancelled_at: '2025-03-01T11:00:00.000Z' }));
    expect(mapped.cancelled).toBe(true);
    expect(mapped.readyToFulfill).toBe(false);
  });

  it('fills defaults for fields a storefront may leave out', () => {
    const { email: _e, tags: _t, note: _n, test: _x, shipping_address: _a, ...minimal } = orderPayload();
    const mapped = mapStorefrontOrder(minimal);
    expect(mapped).toMatchObject({ email: null, tags: [], note: null, test: false, shippingAddress: null });
  });
});
