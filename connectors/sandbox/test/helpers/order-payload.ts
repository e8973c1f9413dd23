/** A storefront order as it appears on the wire, for tests that need one without a simulator. */
import type { StorefrontOrderPayload } from '../../storefront-payloads.ts';

export function orderPayload(overrides: Partial<StorefrontOrderPayload> = {}): StorefrontOrderPayload {
  return {
    id: '7001000000000000123',
    name: '#1042',
    created_at: '2025-03-01T10:00:00.000Z',
    updated_at: '2025-03-01T10:05:00.000Z',
    financial_status: 'paid',
    cancelled_at: null,
    currency: 'EUR',
    total_price: '49.90',
    email: 'zoe.mueller@example.com',
    shipping_address: {
      name: 'Zoë Müller',
      company: '',
      address1: 'ul. Floriańska 3/5',
      address2: null,
      city: 'Kraków',
      province: 'Małopolskie',
      zip: '31-019',
      country_code: 'PL',
      phone: null,
    },
    shipping_method: 'standard',
    tags: ['sandbox', 'vip'],
    note: '',
    test: true,
    line_items: [
      {
        id: '7101000000000000456',
        sku: 'SBX-MUG',
        title: 'Sandbox mug',
        quantity: 2,
        price: '12.50',
        requires_shipping: true,
      },
      {
        id: '7101000000000000457',
        sku: 'SBX-SOCKS',
        title: 'Sandbox socks (2 pairs)',
        quantity: 1,
        price: '24.90',
        requires_shipping: true,
      },
    ],
    ...overrides,
  };
}
