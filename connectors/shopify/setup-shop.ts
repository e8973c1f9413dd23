/**
 * What a connection needs in the shop, set up on connect and checked on every reconciliation:
 * the fulfillment service (fulfillment-service mode: it gives the hub its location and the
 * callback URL Shopify announces requests to), and the shop-specific webhook subscriptions
 * (unless `shopify.app.toml` declares them for every shop). Every step finds what exists before
 * creating, so running it again, or after a half-finished first run, creates nothing twice.
 */
import { NeedsHumanError } from '../../src/sdk/index.ts';
import {
  DEFAULT_SERVICE_NAME,
  modeOf,
  readState,
  type ShopifyContext,
  type ShopifyMode,
} from './connection.ts';
import type { ShopifyDeps } from './deps.ts';
import {
  type FulfillmentServiceFacts,
  fulfillmentServiceById,
  fulfillmentServiceCreate,
  fulfillmentServiceUpdate,
  shopFulfillmentServices,
  webhookSubscriptionCreate,
  webhookSubscriptions,
} from './graphql/setup.ts';

/** The topics each mode subscribes to, as GraphQL `WebhookSubscriptionTopic` values. */
export function webhookTopicsFor(mode: ShopifyMode, publishesStock: boolean): string[] {
  const common = [
    'APP_UNINSTALLED',
    'ORDERS_CANCELLED',
    ...(publishesStock ? ['INVENTORY_LEVELS_UPDATE'] : []),
  ];
  if (mode === 'fulfillment_service') {
    // The fulfillment order topics back up the callback notifications (which are pings, not retried).
    return [
      ...common,
      'FULFILLMENT_ORDERS_FULFILLMENT_REQUEST_SUBMITTED',
      'FULFILLMENT_ORDERS_CANCELLATION_REQUEST_SUBMITTED',
    ];
  }
  return [...common, 'ORDERS_CREATE', 'ORDERS_UPDATED'];
}

export async function setUpShop(deps: ShopifyDeps, context: ShopifyContext): Promise<string[]> {
  const done: string[] = [];
  if (!readState(context).connectedAt) await context.saveState({ connectedAt: new Date().toISOString() });
  if (modeOf(context) === 'fulfillment_service')
    done.push(...(await ensureFulfillmentService(deps, context)));
  done.push(...(await ensureWebhookSubscriptions(deps, context)));
  return done;
}

/** Returns what it had to create or repair (empty when all was in place). */
export async function ensureFulfillmentService(
  deps: ShopifyDeps,
  context: ShopifyContext,
): Promise<string[]> {
  const name = context.settings.fulfillmentServiceName ?? DEFAULT_SERVICE_NAME;
  const callbackUrl = context.webhookUrl;
  const { fulfillmentServiceId } = readState(context);
  let service: FulfillmentServiceFacts | null = null;
  if (fulfillmentServiceId) {
    service = (await deps.admin(context, fulfillmentServiceById, { id: fulfillmentServiceId }))
      .fulfillmentService;
  }
  if (!service) {
    // A create whose answer was lost, or a re-install: the service may exist under our callback URL.
    const { shop } = await deps.admin(context, shopFulfillmentServices);
    service =
      shop.fulfillmentServices.find((candidate) => candidate.callbackUrl === callbackUrl) ??
      shop.fulfillmentServices.find((candidate) => candidate.serviceName === name) ??
      null;
  }
  const repaired: string[] = [];
  if (!service) {
    const data = await deps.admin(context, fulfillmentServiceCreate, { name, callbackUrl });
    service = data.fulfillmentServiceCreate?.fulfillmentService ?? null;
    if (!service) {
      const problems = data.fulfillmentServiceCreate?.userErrors ?? [];
      throw new NeedsHumanError(
        'fulfillment_service_refused',
        `Shopify refused the fulfillment service "${name}": ${problems.map((problem) => problem.message).join('; ')}`,
        { name },
      );
    }
    repaired.push('fulfillment_service');
  } else if (service.callbackUrl !== callbackUrl) {
    // The hub moved (a new public URL): requests must reach it where it is now.
    const data = await deps.admin(context, fulfillmentServiceUpdate, { id: service.id, callbackUrl });
    const updated = data.fulfillmentServiceUpdate?.fulfillmentService;
    if (!updated) {
      const problems = data.fulfillmentServiceUpdate?.userErrors ?? [];
      throw new NeedsHumanError(
        'fulfillment_service_refused',
        `Shopify refused to update the fulfillment service "${service.serviceName}" (another app's?): ${problems.map((problem) => problem.message).join('; ')}`,
        { fulfillmentServiceId: service.id },
      );
    }
    service = updated;
    repaired.push('fulfillment_service_callback');
  }
  if (!service.location) {
    throw new NeedsHumanError(
      'fulfillment_service_without_location',
      'Shopify returned the fulfillment service without its location',
      {
        fulfillmentServiceId: service.id,
      },
    );
  }
  const state = readState(context);
  if (state.fulfillmentServiceId !== service.id || state.locationId !== service.location.id) {
    await context.saveState({ fulfillmentServiceId: service.id, locationId: service.location.id });
  }
  return repaired;
}

/** Subscribes the topics the mode needs that are missing; returns them. */
export async function ensureWebhookSubscriptions(
  deps: ShopifyDeps,
  context: ShopifyContext,
): Promise<string[]> {
  if (deps.config.webhookSubscriptions === 'app') return [];
  const uri = context.webhookUrl;
  const wanted = webhookTopicsFor(
    modeOf(context),
    modeOf(context) === 'fulfillment_service' || Boolean(context.settings.stockLocationId),
  );
  const existing = (await deps.admin(context, webhookSubscriptions, { uri })).webhookSubscriptions.nodes;
  const byTopic: Record<string, string> = Object.fromEntries(
    existing.map((subscription) => [subscription.topic, subscription.id]),
  );
  const created: string[] = [];
  for (const topic of wanted) {
    if (byTopic[topic]) continue;
    const data = await deps.admin(context, webhookSubscriptionCreate, { topic, uri });
    const subscription = data.webhookSubscriptionCreate?.webhookSubscription;
    if (!subscription) {
      const problems = data.webhookSubscriptionCreate?.userErrors ?? [];
      throw new NeedsHumanError(
        'webhook_subscription_refused',
        `Shopify refused the ${topic} subscription: ${problems.map((problem) => problem.message).join('; ')}`,
        { topic, uri },
      );
    }
    byTopic[topic] = subscription.id;
    created.push(`webhook:${topic}`);
  }
  const known = readState(context).webhookSubscriptions ?? {};
  if (created.length > 0 || Object.keys(known).length !== Object.keys(byTopic).length) {
    await context.saveState({ webhookSubscriptions: byTopic });
  }
  return created;
}
