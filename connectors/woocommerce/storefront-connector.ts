/**
 * The WooCommerce storefront connector: the manifest, connecting a store (wc-auth or pasted keys),
 * its webhooks (verify, parse, map) and their upkeep, and the write-backs (tracking, stock) and
 * reconciliation. Each part lives in its own file; this one wires them to the SDK contract.
 */
import { type CanonicalEvent, NeedsHumanError, type StorefrontConnector } from '../../src/sdk/index.ts';
import { unexpectedResponse } from './api-errors.ts';
import {
  completesOnShip,
  credentialsSchema,
  resolveOptions,
  settingsSchema,
  type WooConnectorOptions,
  type WooContext,
  type WooCredentials,
  type WooSettings,
} from './connection.ts';
import { readProductSku, readSkuRef, readTimestamp, readTracking } from './connection-state.ts';
import { DETECTION_TTL_MS, detectTracking } from './detect-tracking.ts';
import { generateWebhookSecret, installRoutes } from './install-routes.ts';
import { mapOrderEvents } from './map-order.ts';
import { forgetProductPatch, mapProductEvents, skuIndexPatch, skuRefOf } from './map-product.ts';
import { pollOrders } from './poll-orders.ts';
import { publishStock } from './publish-stock.ts';
import { parseWooWebhook, readDelivery } from './read-delivery.ts';
import { storeApi, storeUrlPolicy } from './store-api.ts';
import { normalizeStoreUrl, validateStoreUrl } from './store-url.ts';
import { CapabilityGone } from './tracking-destinations.ts';
import { verifyWooSignature } from './webhook-signature.ts';
import {
  applyWebhookPlan,
  listWebhooks,
  planWebhooks,
  type WebhookTarget,
  webhookStatuses,
} from './webhooks.ts';
import type { WooClient } from './woo-client.ts';
import type { WooProduct } from './woo-payloads.ts';
import { writeTracking } from './write-tracking.ts';

export type WooCommerceConnector = StorefrontConnector<WooSettings, WooCredentials>;

export function createWooCommerceConnector(input: WooConnectorOptions = {}): WooCommerceConnector {
  const options = resolveOptions(input);
  const api = (context: WooContext) => storeApi(context, options);
  const target = (context: WooContext, secret: string): WebhookTarget => ({
    connectionId: context.connectionId,
    webhookUrl: context.webhookUrl,
    appName: options.appName,
    secret,
  });

  /** The webhook secret, generated and stored the first time (keys pasted by API come without one). */
  async function webhookSecret(context: WooContext): Promise<{ secret: string; fresh: boolean }> {
    if (context.credentials.webhookSecret) return { secret: context.credentials.webhookSecret, fresh: false };
    const secret = generateWebhookSecret();
    await context.saveCredentials({ ...context.credentials, webhookSecret: secret });
    return { secret, fresh: true };
  }

  async function trackingCapability(context: WooContext, client: WooClient, orderId: string) {
    const known = readTracking(context.state);
    if (known && options.now().getTime() - Date.parse(known.detectedAt) < DETECTION_TTL_MS)
      return known.capability;
    const capability = await detectTracking(client, orderId);
    await context.saveState({ tracking: { capability, detectedAt: options.now().toISOString() } });
    context.log.info({ capability }, 'tracking capability detected');
    return capability;
  }

  return {
    manifest: {
      name: 'woocommerce',
      displayName: 'WooCommerce',
      role: 'storefront',
      settingsSchema,
      credentialsSchema,
      // WooCommerce itself has no rate limit; shared hosts and their firewalls do.
      rateLimit: { concurrency: 4, intervalMs: 1000, intervalCap: 20 },
      webhookHeaders: { secret: ['x-wc-webhook-signature'], topic: 'x-wc-webhook-topic' },
    },

    install: { routes: installRoutes(options) },

    verifyWebhook: verifyWooSignature,

    parseWebhook: (request) => parseWooWebhook(request),

    async toEvents(delivery, context): Promise<CanonicalEvent[]> {
      const read = readDelivery(delivery.topic, delivery.rawBody);
      switch (read.kind) {
        case 'nothing':
          return [];
        case 'order':
          return mapOrderEvents(read.order);
        case 'deleted':
          if (read.resource === 'order') {
            // "Deleted" means trashed. Trashing modifies the order, so a poll would bring it back as
            // cancelled too; this only gets there sooner.
            return [
              {
                type: 'order.cancelled',
                sourceOrderId: String(read.id),
                sourceUpdatedAt: options.now().toISOString(),
              },
            ];
          }
          await context.saveState(forgetProductPatch(read.id, readProductSku(context.state, read.id)));
          return [];
        case 'product':
          await rememberSku(context, read.product);
          return mapProductEvents(read.product);
      }
    },

    // Reads only: a refused URL (SSRF guard, a typo) or rejected keys change nothing anywhere.
    async checkConnection(context) {
      await checkStore(context);
      await probeKeys(api(context));
    },

    async onConnect(context) {
      await checkStore(context);
      const { secret } = await webhookSecret(context);
      const client = api(context);
      await probeKeys(client);

      const plan = planWebhooks(await listWebhooks(client), target(context, secret), 'connect');
      const applied = await applyWebhookPlan(client, plan, target(context, secret));
      await context.saveState({
        webhooks: applied.ids,
        // A plugin may have come or gone since the last install.
        tracking: null,
        ...(readTimestamp(context.state, 'connectedAt') ? {} : { connectedAt: options.now().toISOString() }),
      });
      context.log.info({ webhooks: applied.ids, changes: applied.repaired }, 'WooCommerce store connected');
    },

    async checkHealth(context) {
      const { secret, fresh } = await webhookSecret(context);
      const client = api(context);
      const remote = await listWebhooks(client);
      // A secret made just now is news to every webhook on the store: all of them are re-armed.
      const plan = planWebhooks(remote, target(context, secret), fresh ? 'connect' : 'repair');
      const applied = await applyWebhookPlan(client, plan, target(context, secret));
      if (applied.repaired.length > 0) {
        await context.saveState({ webhooks: applied.ids });
        context.log.warn({ repaired: applied.repaired }, 'repaired WooCommerce webhooks');
      }
      if (plan.paused.length > 0)
        context.log.warn({ paused: plan.paused }, 'webhooks paused in WooCommerce; polling covers them');
      return {
        healthy: applied.repaired.length === 0 && plan.paused.length === 0,
        repaired: applied.repaired,
        // Deliveries were lost while a webhook was missing, disabled or pointed elsewhere.
        catchUp: applied.repaired.some((change) => /^(created|reactivated|moved):/.test(change)),
        webhooks: webhookStatuses(remote, plan),
      };
    },

    async writeTracking(context, input) {
      const client = api(context);
      const capability = await trackingCapability(context, client, input.order.sourceOrderId);
      try {
        return await writeTracking(client, context.settings.storeUrl, input, {
          capability,
          completeOnShip: completesOnShip(context.settings),
          noteToCustomer: context.settings.trackingNoteToCustomer === true,
          today: options.now().toISOString().slice(0, 10),
        });
      } catch (error) {
        if (error instanceof CapabilityGone) await context.saveState({ tracking: null });
        throw error;
      }
    },

    // Absolute quantities, so a retried publication (same idempotency key) writes the same values.
    async publishStock(context, levels) {
      return publishStock(api(context), context, levels, options.stockBatchSize);
    },

    async pollSince(context, cursor) {
      const outcome = await pollOrders(
        api(context),
        context.state,
        cursor,
        { now: options.now() },
        context.log,
      );
      await context.saveState(outcome.statePatch);
      return { events: outcome.events, nextCursor: outcome.nextCursor };
    },
  };

  /** The store URL passes the address policy and is the connection's external account. */
  async function checkStore(context: WooContext): Promise<string> {
    const storeUrl = await validateStoreUrl(
      context.settings.storeUrl,
      storeUrlPolicy(context.settings, options),
      options.resolveHost,
    );
    if (!sameStore(context.externalAccount, storeUrl, context)) {
      throw new NeedsHumanError(
        'external_account_mismatch',
        `the external account must be the store URL ${storeUrl}`,
        { externalAccount: context.externalAccount, storeUrl },
      );
    }
    return storeUrl;
  }

  /** Keeps the SKU map current from product deliveries; most deliveries change nothing in it. */
  async function rememberSku(context: WooContext, product: WooProduct) {
    const sku = product.sku?.trim() || null;
    const previous = readProductSku(context.state, product.id);
    const known = sku ? readSkuRef(context.state, sku) : null;
    const ref = skuRefOf(product);
    if (previous === sku && (!sku || (known?.id === ref.id && known.parentId === ref.parentId))) return;
    await context.saveState(skuIndexPatch(product, previous));
  }
}

/** The keys work (and we learn whether the store needs query-string auth) before we change anything. */
async function probeKeys(client: WooClient): Promise<void> {
  const probe = await client.request({
    method: 'GET',
    path: 'orders',
    query: { per_page: 1, _fields: 'id' },
  });
  if (probe.status !== 200) throw unexpectedResponse('GET wc/v3/orders', probe, 'credentials_rejected');
}

/** Whether the connection's external account names this store: it is the normalized store URL. */
function sameStore(externalAccount: string, storeUrl: string, context: WooContext): boolean {
  try {
    return normalizeStoreUrl(externalAccount, { allowInsecure: true, allowPrivate: true }) === storeUrl;
  } catch {
    context.log.warn({ externalAccount }, 'the external account is not a URL');
    return false;
  }
}
