/**
 * The ShipBob fulfillment connector: the manifest, connecting an account (a pasted Personal Access
 * Token, or the OAuth app through the install routes), the webhook subscription and its upkeep,
 * creating, finding and cancelling orders, stock per fulfillment centre, and reconciliation. Each
 * part lives in its own file; this one wires them to the SDK contract.
 *
 * `listLocations` (the contract's optional method) lists the fulfillment centres a
 * `StockLevel.location` names. Beyond the contract, for the hub's coming parcels: `cancelParcel`
 * (one ShipBob shipment).
 */
import { type FulfillmentConnector, headerValue, readJsonBody } from '../../src/sdk/index.ts';
import type { ShipBobAppConfig } from './app-config.ts';
import { cancelOrder, cancelParcel, type ParcelOutcome } from './cancel.ts';
import { resolveChannel } from './channels.ts';
import { createShipBobClient, type ShipBobClient } from './client.ts';
import {
  credentialsSchema,
  environmentOf,
  readState,
  type ShipBobContext,
  type ShipBobCredentials,
  type ShipBobSettings,
  settingsSchema,
} from './connection.ts';
import { installRoutes } from './install-routes.ts';
import type { FulfillmentLocation } from './map-location.ts';
import { shipmentEvent } from './map-shipment.ts';
import { createOrder, findOrderByReference, readOrder, submitted } from './orders.ts';
import { isTopic, parseShipBobWebhook, readEnvelope } from './parse-webhook.ts';
import { pollShipBob } from './poll.ts';
import { readLocations, readStock } from './stock.ts';
import { tokenSource } from './token-refresh.ts';
import { verifyShipBobWebhook } from './verify-webhook.ts';
import { ensureSubscription } from './webhook-subscriptions.ts';

export interface ShipBobConnectorOptions {
  /** The hub's OAuth app; null: Personal Access Tokens only. */
  app?: ShipBobAppConfig | null;
  /** Overrides ShipBob's API host (tests); the environment still picks the auth host. */
  apiHost?: string;
  timeoutMs?: number;
  now?: () => Date;
}

export interface ShipBobConnector extends FulfillmentConnector<ShipBobSettings, ShipBobCredentials> {
  /** The account's fulfillment centres: id (as in `StockLevel.location`), name, address, time zone. */
  listLocations(context: ShipBobContext): Promise<FulfillmentLocation[]>;
  /** Cancels one ShipBob shipment of an order, leaving the others to ship. */
  cancelParcel(
    context: ShipBobContext,
    input: { orderId: string; shipmentId: string },
  ): Promise<ParcelOutcome>;
}

/** The channel already resolved for the connection, without asking ShipBob. */
function knownChannel(context: ShipBobContext): number | null {
  return readState(context.state).channelId ?? context.settings.channelId ?? null;
}

export function createShipBobConnector(options: ShipBobConnectorOptions = {}): ShipBobConnector {
  const app = options.app ?? null;
  const now = options.now ?? (() => new Date());
  const api = (context: ShipBobContext): ShipBobClient =>
    createShipBobClient({
      environment: environmentOf(context.settings),
      tokens: tokenSource(context, app),
      timeoutMs: options.timeoutMs,
      apiHost: options.apiHost,
    });

  return {
    manifest: {
      name: 'shipbob',
      displayName: 'ShipBob',
      role: 'fulfillment',
      settingsSchema,
      credentialsSchema,
      // 150 a minute in a sliding window (developer.shipbob.com/2026-07/rate-limit): one call every
      // 400 ms never puts more than 150 in any minute, where a 150-per-minute bucket could put 300.
      // ShipBob counts per user and application: every connection of one account shares the queue.
      rateLimit: { concurrency: 4, intervalMs: 400, intervalCap: 1, scope: 'account' },
      webhookHeaders: { secret: ['webhook-signature'] },
    },

    install: { routes: installRoutes(app) },

    verifyWebhook: verifyShipBobWebhook,

    parseWebhook: (request) => parseShipBobWebhook(request),

    /**
     * A webhook is a hint: ShipBob publishes the body of one topic only, and one order can have
     * several shipments, so the order is read back and the hint moves the parcel it names forward.
     */
    async toEvents(delivery, context) {
      if (!isTopic(delivery.topic)) return [];
      const envelope = readEnvelope(
        delivery.topic,
        readJsonBody(delivery.rawBody),
        headerValue(delivery.headers, 'webhook-timestamp'),
      );
      const client = api(context);
      const order = envelope.orderId
        ? await readOrder(client, envelope.orderId)
        : await findOrderByReference(client, envelope.reference as string);
      if (!order) {
        context.log.warn(
          { orderId: envelope.orderId, topic: delivery.topic },
          'ShipBob has no such order; nothing applied',
        );
        return [];
      }
      // The subscription is account-wide: orders of the merchant's other integrations are not ours.
      const channelId = knownChannel(context);
      if (
        order.channel?.id !== undefined &&
        channelId !== null &&
        String(order.channel.id) !== String(channelId)
      ) {
        return [];
      }
      return [shipmentEvent(order, envelope.occurredAt, envelope)];
    },

    async onConnect(context) {
      const client = api(context);
      const channelId = await resolveChannel(context, client);
      const { repaired } = await ensureSubscription(context, client, channelId);
      if (!readState(context.state).connectedAt)
        await context.saveState({ connectedAt: now().toISOString() });
      context.log.info({ channelId, changes: repaired }, 'ShipBob account connected');
    },

    async checkHealth(context) {
      const client = api(context);
      const channelId = await resolveChannel(context, client);
      const { repaired } = await ensureSubscription(context, client, channelId);
      if (repaired.length > 0) context.log.warn({ repaired }, 'repaired the ShipBob webhook subscription');
      // Deliveries were lost while the subscription was missing or disabled.
      return { healthy: repaired.length === 0, repaired, catchUp: repaired.length > 0 };
    },

    async submitShipment(context, request) {
      const client = api(context);
      const channelId = await resolveChannel(context, client);
      return createOrder(client, { channelId, settings: context.settings, request });
    },

    async findShipment(context, reference) {
      const client = api(context);
      const order = await findOrderByReference(client, reference);
      return order ? submitted(order, knownChannel(context)) : null;
    },

    async cancelShipment(context, shipment) {
      const client = api(context);
      const channelId = await resolveChannel(context, client);
      const orderId = typeof shipment.data.orderId === 'string' ? shipment.data.orderId : shipment.externalId;
      return cancelOrder(client, orderId, channelId);
    },

    async fetchStock(context) {
      return readStock(api(context));
    },

    async pollSince(context, cursor) {
      const client = api(context);
      const channelId = await resolveChannel(context, client);
      const state = readState(context.state);
      const outcome = await pollShipBob(client, cursor, {
        channelId,
        now: now(),
        connectedAt: state.connectedAt ? new Date(state.connectedAt) : now(),
        pollInventory: context.settings.pollInventory !== false,
      });
      if (outcome.unmarked.length > 0) {
        context.log.warn(
          { shipments: outcome.unmarked },
          'ShipBob refused to mark some shipments tracking-uploaded',
        );
      }
      if (!outcome.complete)
        context.log.warn('ShipBob poll stopped at its page limit; the rest follows next time');
      return { events: outcome.events, nextCursor: outcome.nextCursor };
    },

    async listLocations(context) {
      return readLocations(api(context));
    },

    async cancelParcel(context, input) {
      const client = api(context);
      const channelId = await resolveChannel(context, client);
      return cancelParcel(client, { ...input, channelId });
    },
  };
}
