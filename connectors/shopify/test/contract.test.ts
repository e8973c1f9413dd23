/**
 * The SDK's connector contract, with signed samples from the reference payloads. (A fulfillment
 * service notification is deliberately not one of them: it is a ping with no identity, so each is
 * given its own dedupe key and none is ever dropped as a repeat.)
 */
import { describeConnectorContract } from '../../../src/sdk/contract-kit.ts';
import { createTestContext } from '../../../src/sdk/testing.ts';
import { createShopifyConnector } from '../shopify-connector.ts';
import { testAppConfig } from './helpers/connector-deps.ts';
import { validCredentials } from './helpers/context.ts';
import { delivery } from './helpers/deliveries.ts';
import { fixtureBytes, SHOP } from './helpers/fixtures.ts';

const shopify = createShopifyConnector(testAppConfig());
const signatureHeader = 'x-shopify-hmac-sha256';
const context = (mode: 'fulfillment_service' | 'merchant_managed' = 'fulfillment_service') =>
  createTestContext({ settings: { mode }, credentials: { ...validCredentials() }, externalAccount: SHOP });

describeConnectorContract(shopify, () => ({
  context: context('merchant_managed'),
  signatureHeader,
  signed: delivery(fixtureBytes('orders_create.json'), {
    topic: 'orders/create',
    webhookId: 'contract-order-1',
  }),
}));

describeConnectorContract(shopify, () => ({
  context: context(),
  signatureHeader,
  signed: delivery(fixtureBytes('customers_redact.json'), {
    topic: 'customers/redact',
    webhookId: 'contract-redact-1',
  }),
}));

describeConnectorContract(shopify, () => ({
  context: context(),
  signatureHeader,
  signed: delivery(fixtureBytes('app_uninstalled.json'), {
    topic: 'app/uninstalled',
    webhookId: 'contract-uninstall-1',
  }),
}));
