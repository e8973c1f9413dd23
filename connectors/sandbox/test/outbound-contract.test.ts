/**
 * The SDK's outbound contract for both sandbox connectors, against the simulators on 127.0.0.1:
 * the far side answers as it would, and its knobs make the refusals and the lost answer.
 */

import type { CannedAnswer } from '../../../sandbox/simulator-http.ts';
import { createStorefrontSimulator } from '../../../sandbox/storefront-simulator.ts';
import { createThreePlSimulator } from '../../../sandbox/three-pl-simulator.ts';
import {
  describeFulfillmentOutbound,
  describeStorefrontOutbound,
  type RemoteRefusal,
} from '../../../src/sdk/contract-kit.ts';
import type { ShipmentRequest } from '../../../src/sdk/index.ts';
import { sandbox3pl } from '../fulfillment-connector.ts';
import { POLL_PAGE_SIZE } from '../poll-pages.ts';
import { sandboxStorefront } from '../storefront-connector.ts';
import { API_KEY, sandboxContext, WEBHOOK_SECRET } from './helpers/sandbox-fixtures.ts';

/** How the simulators say it: a 429 with Retry-After, or their ajv validation answer. */
function cannedRefusal(refusal: RemoteRefusal): CannedAnswer {
  if (refusal.kind === 'rate_limited') {
    return {
      status: 429,
      headers: { 'retry-after': String(refusal.retryAfterSeconds) },
      body: { error: 'rate_limited' },
    };
  }
  return { status: 400, body: { error: 'invalid_request', message: 'body/ship_to/zip must be string' } };
}

describeFulfillmentOutbound(sandbox3pl, {
  async remote() {
    const threePl = createThreePlSimulator({
      apiKey: API_KEY,
      webhookSecret: WEBHOOK_SECRET,
      shipDelayMs: 0,
      stock: { 'SBX-MUG': 1_000_000 },
    });
    const context = sandboxContext(await threePl.listen());
    let sequence = 0;
    const shipment = (): ShipmentRequest => ({
      reference: `contract-shipment-${++sequence}`,
      orderName: `#C${sequence}`,
      email: null,
      shipTo: {
        name: 'Ada Lovelace',
        address1: '1 Main St',
        city: 'London',
        postalCode: 'N1',
        countryCode: 'GB',
      },
      shippingMethod: null,
      lines: [{ sku: 'SBX-MUG', name: 'Mug', quantity: 1 }],
    });
    return {
      context,
      shipment,
      severalPages: POLL_PAGE_SIZE + 1,
      remoteOrders: (reference) => threePl.ordersByReference(reference).length,
      loseNextAnswer: () => threePl.loseCreateAnswers(1),
      refuseNext: (refusal) => threePl.answerNext(cannedRefusal(refusal)),
      async addChanges(count) {
        const references: string[] = [];
        for (let i = 0; i < count; i++) {
          const request = shipment();
          const { externalId } = await sandbox3pl.submitShipment(context, request);
          threePl.shipNow(externalId);
          references.push(request.reference);
        }
        return references;
      },
      eventKey: (event) => (event.type === 'shipment.updated' ? event.reference : null),
      close: () => threePl.close(),
    };
  },
});

describeStorefrontOutbound(sandboxStorefront, {
  async remote() {
    const storefront = createStorefrontSimulator({
      apiKey: API_KEY,
      webhookSecret: WEBHOOK_SECRET,
      orderIntervalMs: 0,
    });
    const context = sandboxContext(await storefront.listen());
    return {
      context,
      severalPages: POLL_PAGE_SIZE + 1,
      trackingWrite() {
        const order = storefront.placeOrder();
        return {
          order: { sourceOrderId: order.id, sourceOrderName: order.name, sourceData: {} },
          shipment: {
            id: `contract-shipment-${order.id}`,
            lines: order.line_items.map((line) => ({
              sourceLineId: line.id,
              sku: line.sku ?? '',
              quantity: line.quantity,
            })),
            tracking: { carrier: 'DHL', number: `TRK${order.id}`, url: null },
          },
        };
      },
      refuseNext: (refusal) => storefront.answerNext(cannedRefusal(refusal)),
      addChanges: (count) => Array.from({ length: count }, () => storefront.placeOrder().id),
      eventKey: (event) => (event.type === 'order.upserted' ? event.order.sourceOrderId : null),
      close: () => storefront.close(),
    };
  },
});
