import nock from 'nock';
import { afterAll, beforeAll } from 'vitest';
import { describeConnectorContract } from '../../../src/sdk/contract-kit.ts';
import {
  API,
  connector,
  fixture,
  ORDER_ID,
  shipBobContext,
  signedDelivery,
  VERSION,
} from './helpers/shipbob-test-kit.ts';

// The mapping check reads the order back, as toEvents does with every webhook.
beforeAll(() => {
  nock.disableNetConnect();
  nock(API).persist().get(`${VERSION}/order/${ORDER_ID}`).reply(200, fixture('order-two-shipments.json'));
});
afterAll(() => nock.cleanAll());

describeConnectorContract(connector, () => ({
  context: shipBobContext(),
  signatureHeader: 'webhook-signature',
  signed: signedDelivery('order.shipped', fixture('webhook-shipment-event.json')),
}));
