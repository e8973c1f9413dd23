import { describeConnectorContract } from '../../../src/sdk/contract-kit.ts';
import {
  delivery,
  fakeContext,
  fixtureJson,
  fixtureText,
  phpJson,
  testConnector,
} from './helpers/woo-test-kit.ts';

const connector = testConnector();

// The bytes WooCommerce sends for an order, and for a variation through product.updated.
describeConnectorContract(connector, () => ({
  context: fakeContext(),
  signatureHeader: 'x-wc-webhook-signature',
  signed: delivery('order.created', fixtureText('order.webhook-body.php-escaped.json')),
}));

describeConnectorContract(connector, () => ({
  context: fakeContext(),
  signatureHeader: 'x-wc-webhook-signature',
  signed: delivery('product.updated', phpJson(fixtureJson('product-variation.webhook.with-sku.json'))),
}));
