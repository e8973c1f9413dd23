/** The SDK's outbound contract for ShipBob, against a stateful fake account behind nock. */
import nock from 'nock';
import { beforeAll } from 'vitest';
import { describeFulfillmentOutbound } from '../../../src/sdk/contract-kit.ts';
import type { ShipmentRequest } from '../../../src/sdk/index.ts';
import { resetTokenCache } from '../token-refresh.ts';
import { startFakeShipBob } from './helpers/fake-shipbob.ts';
import { connector, shipBobContext } from './helpers/shipbob-test-kit.ts';

beforeAll(() => nock.disableNetConnect());

/** ShipBob's cursor is JSON; its time (`updatedSince`) is what must never move back. */
const cursorTime = (cursor: string) =>
  Date.parse((JSON.parse(cursor) as { updatedSince: string }).updatedSince);

describeFulfillmentOutbound(connector, {
  remote() {
    resetTokenCache();
    const shipBob = startFakeShipBob();
    let sequence = 0;
    const reference = () => `00000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`;
    return {
      context: shipBobContext({ settings: { pollInventory: false } }),
      shipment: (): ShipmentRequest => ({
        reference: reference(),
        orderName: `#C${sequence}`,
        email: 'zoe@example.com',
        shippingMethod: 'Standard Shipping',
        shipTo: {
          name: 'Zoë Müller',
          address1: 'ul. Floriańska 3',
          city: 'Kraków',
          postalCode: '31-019',
          countryCode: 'PL',
        },
        lines: [{ sku: 'MUG-BLUE', name: 'Blue mug', quantity: 1 }],
      }),
      // ShipBob's order lists page by 250.
      severalPages: 251,
      remoteOrders: (ref) => shipBob.ordersByReference(ref).length,
      loseNextAnswer: () => shipBob.loseNextCreate(),
      refuseNext: (refusal) => shipBob.refuseNext(refusal),
      addChanges(count) {
        const references = Array.from({ length: count }, reference);
        for (const ref of references) shipBob.addShippedOrder(ref);
        return references;
      },
      eventKey: (event) => (event.type === 'shipment.updated' ? event.reference : null),
      compareCursors: (a, b) => cursorTime(a) - cursorTime(b),
      close: () => shipBob.close(),
    };
  },
});
