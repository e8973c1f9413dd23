/**
 * The Shopify storefront connector, assembled: read this file top to bottom for the whole shape
 * (manifest, install routes, the three webhook steps, set-up and health, the answers a fulfillment
 * service gives, the two write-backs, reconciliation). Each part lives in a file named for it.
 */
import { NeedsHumanError, type StorefrontConnector } from '../../src/sdk/index.ts';
import { createAdminCall } from './admin-client.ts';
import type { ShopifyAppConfig } from './app-config.ts';
import {
  credentialsSchema,
  modeOf,
  readState,
  type ShopifyCredentials,
  type ShopifySettings,
  settingsSchema,
} from './connection.ts';
import type { ShopifyDeps } from './deps.ts';
import { answerCancellationRequest, answerFulfillmentRequest } from './fulfillment-requests.ts';
import { installRoutes } from './install-routes.ts';
import { parseShopifyDelivery } from './parse-webhook.ts';
import { pollShopify } from './poll-orders.ts';
import { publishShopifyStock } from './publish-stock.ts';
import { ensureFulfillmentService, ensureWebhookSubscriptions, setUpShop } from './setup-shop.ts';
import { createShopifyLibrary } from './shopify-library.ts';
import { currentCredentials } from './token-refresh.ts';
import { verifyShopifyDelivery } from './verify-webhook.ts';
import { shopifyEvents } from './webhook-events.ts';
import { writeShopifyTracking } from './write-tracking.ts';

export type ShopifyConnector = StorefrontConnector<ShopifySettings, ShopifyCredentials>;

/**
 * @param appConfig from `readShopifyAppConfig(process.env)`; null when the app is not configured:
 *   the connector still registers, its install routes answer 503 naming what to set, and every
 *   delivery fails verification (closed, not open).
 */
export function createShopifyConnector(appConfig: ShopifyAppConfig | null): ShopifyConnector {
  const deps: ShopifyDeps | null = appConfig ? withLibrary(appConfig) : null;
  const secrets = appConfig
    ? [appConfig.apiSecret, ...(appConfig.previousApiSecret ? [appConfig.previousApiSecret] : [])]
    : [];

  const configured = (operation: string): ShopifyDeps => {
    if (!deps) {
      throw new NeedsHumanError(
        'shopify_not_configured',
        `${operation}: set SHOPIFY_API_KEY and SHOPIFY_API_SECRET`,
      );
    }
    return deps;
  };

  return {
    manifest: {
      name: 'shopify',
      displayName: 'Shopify',
      role: 'storefront',
      settingsSchema,
      credentialsSchema,
      // Shopify's real limit is the cost bucket the admin client keeps per shop; this only bounds
      // how many calls one connection has in flight.
      rateLimit: { concurrency: 4, intervalMs: 1000, intervalCap: 40 },
      // App-specific subscriptions (shopify.app.toml) send every shop's webhooks to one URL.
      webhookAccountHeader: 'x-shopify-shop-domain',
      webhookHeaders: { secret: ['x-shopify-hmac-sha256', 'shopify-hmac-sha256'], topic: 'x-shopify-topic' },
    },

    install: { routes: installRoutes(deps) },

    verifyWebhook: (request, context) => verifyShopifyDelivery(request, context, secrets),
    parseWebhook: (request, context) => parseShopifyDelivery(request, context),
    toEvents: (delivery, context) => shopifyEvents(deps, delivery, context),

    async onConnect(context) {
      await setUpShop(configured('onConnect'), context);
    },

    async checkHealth(context) {
      const shopDeps = configured('checkHealth');
      const repaired = [
        ...(modeOf(context) === 'fulfillment_service'
          ? await ensureFulfillmentService(shopDeps, context)
          : []),
        ...(await ensureWebhookSubscriptions(shopDeps, context)),
      ];
      const credentials = currentCredentials(context);
      // Whatever had to be put back may have missed events meanwhile: poll for them now.
      return {
        healthy: repaired.length === 0,
        repaired,
        catchUp: repaired.length > 0,
        ...(shopDeps.config.webhookSubscriptions === 'app'
          ? {}
          : {
              webhooks: Object.keys(readState(context).webhookSubscriptions ?? {}).map((topic) => ({
                topic,
                status: 'active',
                ...(repaired.includes(`webhook:${topic}`) ? { repaired: 'created' } : {}),
              })),
            }),
        // The access token renews itself before it expires; the refresh token's end needs a person.
        token: { expiresAt: credentials.expiresAt, refreshExpiresAt: credentials.refreshTokenExpiresAt },
      };
    },

    async answerRouting(context, input) {
      if (modeOf(context) !== 'fulfillment_service') return;
      await answerFulfillmentRequest(configured('answerRouting'), context, input);
    },

    async answerCancellation(context, input) {
      if (modeOf(context) !== 'fulfillment_service') return;
      await answerCancellationRequest(configured('answerCancellation'), context, input);
    },

    writeTracking: (context, input) => writeShopifyTracking(configured('writeTracking'), context, input),

    publishStock: (context, levels, options) =>
      publishShopifyStock(configured('publishStock'), context, levels, options),

    pollSince: (context, cursor) => pollShopify(configured('pollSince'), context, cursor),
  };
}

function withLibrary(config: ShopifyAppConfig): ShopifyDeps {
  const library = createShopifyLibrary(config);
  return { config, library, admin: createAdminCall(library) };
}
