/**
 * Signed sandbox-storefront order webhooks for autocannon: one real sandbox order is the template,
 * each request gets its own order id and event id (so the hub stores and applies every one, no
 * duplicate shortcut) and a signature over its exact bytes.
 */
import type autocannon from 'autocannon';
import { createStorefrontSimulator } from '../../sandbox/index.ts';
import { hmacSha256 } from '../../src/sdk/signature.ts';

const simulator = createStorefrontSimulator({ apiKey: 'x', webhookSecret: 'x' });
// Catalog lines only (the 3PL fake stocks the catalog), so every order can be routed and created.
const template = JSON.stringify(simulator.placeOrder());
const templateId = JSON.parse(template).id as string;
await simulator.close();

export const TEMPLATE_BODY = template;

let sequence = 0;

/** Request options for autocannon; `prefix` keeps ids of different scenarios apart. */
export function signedOrderRequests(secret: string, prefix: string): autocannon.Request[] {
  return [
    {
      setupRequest: (request) => {
        sequence += 1;
        const id = `${prefix}${String(sequence).padStart(12, '0')}`;
        const body = template.replaceAll(templateId, id);
        request.body = body;
        request.headers = {
          'content-type': 'application/json',
          'x-sandbox-topic': 'orders/create',
          'x-sandbox-event-id': `bench-${id}`,
          'x-sandbox-signature': hmacSha256(secret, body, 'base64'),
        };
        return request;
      },
    },
  ];
}
