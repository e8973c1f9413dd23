/** What a connection sets up in the shop: the fulfillment service (with its location) and webhooks. */
import {
  defineOperation,
  gid,
  list,
  nullable,
  object,
  str,
  type UserError,
  userErrors,
} from './operation.ts';

export interface FulfillmentServiceFacts {
  id: string;
  serviceName: string;
  callbackUrl: string | null;
  location: { id: string } | null;
}

const service = object({
  id: gid('FulfillmentService'),
  serviceName: str,
  callbackUrl: nullable(str),
  location: nullable(object({ id: gid('Location') })),
});

export const fulfillmentServiceById = defineOperation<{ fulfillmentService: FulfillmentServiceFacts | null }>(
  `query HubFulfillmentService($id: ID!) {
  fulfillmentService(id: $id) { id serviceName callbackUrl location { id } }
}`,
  object({ fulfillmentService: nullable(service) }),
);

/** Every fulfillment service of the shop: how a retry finds the one a lost answer created. */
export const shopFulfillmentServices = defineOperation<{
  shop: { fulfillmentServices: FulfillmentServiceFacts[] };
}>(
  `query HubShopFulfillmentServices {
  shop { fulfillmentServices { id serviceName callbackUrl location { id } } }
}`,
  object({ shop: object({ fulfillmentServices: list(service) }) }),
);

/**
 * No `/fetch_stock` or `/fetch_tracking_numbers` polling (inventoryManagement and trackingSupport
 * off): the hub pushes stock and tracking itself. The callback URL is where fulfillment and
 * cancellation requests are announced.
 */
export const fulfillmentServiceCreate = defineOperation<{
  fulfillmentServiceCreate: {
    fulfillmentService: FulfillmentServiceFacts | null;
    userErrors: UserError[];
  } | null;
}>(
  `mutation HubFulfillmentServiceCreate($name: String!, $callbackUrl: URL!) {
  fulfillmentServiceCreate(
    name: $name
    callbackUrl: $callbackUrl
    inventoryManagement: false
    trackingSupport: false
    requiresShippingMethod: true
  ) {
    fulfillmentService { id serviceName callbackUrl location { id } }
    userErrors { field message }
  }
}`,
  object({
    fulfillmentServiceCreate: nullable(object({ fulfillmentService: nullable(service), userErrors })),
  }),
);

export const fulfillmentServiceUpdate = defineOperation<{
  fulfillmentServiceUpdate: {
    fulfillmentService: FulfillmentServiceFacts | null;
    userErrors: UserError[];
  } | null;
}>(
  `mutation HubFulfillmentServiceUpdate($id: ID!, $callbackUrl: URL!) {
  fulfillmentServiceUpdate(id: $id, callbackUrl: $callbackUrl) {
    fulfillmentService { id serviceName callbackUrl location { id } }
    userErrors { field message }
  }
}`,
  object({
    fulfillmentServiceUpdate: nullable(object({ fulfillmentService: nullable(service), userErrors })),
  }),
);

export interface WebhookSubscriptionFacts {
  id: string;
  topic: string;
  uri: string;
}

const subscription = object({ id: gid('WebhookSubscription'), topic: str, uri: str });

/** Shop-specific subscriptions to one address (app-specific ones from the TOML are not listed). */
export const webhookSubscriptions = defineOperation<{
  webhookSubscriptions: { nodes: WebhookSubscriptionFacts[] };
}>(
  `query HubWebhookSubscriptions($uri: String!) {
  webhookSubscriptions(first: 50, uri: $uri) { nodes { id topic uri } }
}`,
  object({ webhookSubscriptions: object({ nodes: list(subscription) }) }),
);

export const webhookSubscriptionCreate = defineOperation<{
  webhookSubscriptionCreate: {
    webhookSubscription: WebhookSubscriptionFacts | null;
    userErrors: UserError[];
  } | null;
}>(
  `mutation HubWebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $uri: String!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $uri, format: JSON }) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
}`,
  object({
    webhookSubscriptionCreate: nullable(object({ webhookSubscription: nullable(subscription), userErrors })),
  }),
);
