import { describeConnectorContract } from '../../../src/sdk/contract-kit.ts';
import { createTestContext } from '../../../src/sdk/testing.ts';
import { sandbox3pl, sandboxStorefront } from '../index.ts';
import { sign } from './helpers/sandbox-fixtures.ts';

const context = () =>
  createTestContext({
    settings: { baseUrl: 'http://127.0.0.1:9' },
    credentials: { apiKey: 'k', webhookSecret: 'contract-secret' },
  });

const request = (topic: string, body: unknown) => {
  const rawBody = Buffer.from(JSON.stringify(body));
  return {
    headers: {
      'content-type': 'application/json',
      'x-sandbox-topic': topic,
      'x-sandbox-event-id': 'evt-contract-1',
      'x-sandbox-signature': sign(rawBody, 'contract-secret'),
    },
    rawBody,
  };
};

describeConnectorContract(sandboxStorefront, () => ({
  context: context(),
  signatureHeader: 'x-sandbox-signature',
  signed: request('orders/create', {
    id: '7001000000000000042',
    name: '#1042',
    created_at: '2026-11-26T10:00:00.000Z',
    updated_at: '2026-11-26T10:00:00.000Z',
    financial_status: 'paid',
    cancelled_at: null,
    currency: 'EUR',
    total_price: '25.00',
    email: 'zoe@example.com',
    shipping_address: {
      name: 'Zoë Müller',
      company: null,
      address1: 'ul. Floriańska 3',
      address2: null,
      city: 'Kraków',
      province: null,
      zip: '31-019',
      country_code: 'PL',
      phone: null,
    },
    shipping_method: 'standard',
    tags: [],
    note: null,
    test: true,
    line_items: [
      { id: '1', sku: 'SBX-MUG', title: 'Mug', quantity: 2, price: '12.50', requires_shipping: true },
    ],
    fulfillments: [],
  }),
}));

describeConnectorContract(sandbox3pl, () => ({
  context: context(),
  signatureHeader: 'x-sandbox-signature',
  signed: request('stock.changed', {
    event_id: 'evt-contract-1',
    topic: 'stock.changed',
    occurred_at: '2026-11-26T10:00:00.000Z',
    location: 'SBX-WH-1',
    levels: [{ sku: 'SBX-MUG', available: 12 }],
  }),
}));
