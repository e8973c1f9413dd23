/**
 * What a connector implements. A connector imports only from `src/sdk`; the hub finds it through
 * `connectors/registry.ts`. The hub owns persistence, retries, rate limiting and state; a connector
 * owns the platform: verifying and reading its webhooks, mapping its payloads to the canonical model,
 * and calling its API.
 */
import type { Logger } from 'pino';
import type { CanonicalEvent } from './canonical-events.ts';
import type { FulfillmentConnector } from './fulfillment-contract.ts';
import type { HttpClient } from './http-client.ts';
import type { StorefrontConnector } from './storefront-contract.ts';

// The contracts are split by role; this module names them all, as it always has.
export type { Address, OrderInput, OrderLineInput, StockLevel, Tracking } from '../domain/order.ts';
export type { CanonicalEvent, CustomerRef, ShipmentEventStatus } from './canonical-events.ts';
export type {
  FulfillmentConnector,
  FulfillmentLocation,
  ShipmentRequest,
  SubmittedShipment,
} from './fulfillment-contract.ts';
export type { InstallApi, InstallRequest, InstallResponse, InstallRoute } from './install-contract.ts';
export type { PublishStockResult, StockItemFailure, StorefrontConnector } from './storefront-contract.ts';

export type JsonSchema = Record<string, unknown>;

export interface ConnectorManifest {
  /** Registry key and URL segment: `/webhooks/<name>/<connectionId>`. */
  name: string;
  displayName: string;
  role: 'storefront' | 'fulfillment';
  /** Validates `connections.settings` (not secret: URLs, modes, mappings). */
  settingsSchema: JsonSchema;
  /** Validates the credentials (encrypted at rest, never logged, never returned by the API). */
  credentialsSchema: JsonSchema;
  /**
   * The remote API's published limit; the hub queues calls to respect it, per connection, or per
   * remote account (`scope: 'account'`) when the platform counts every connection of one account
   * together (ShipBob: per user and application), so two connections cannot use it up twice.
   */
  rateLimit: {
    concurrency: number;
    intervalMs: number;
    intervalCap: number;
    scope?: 'connection' | 'account';
  };
  /**
   * For platforms that send every shop's webhooks to one URL (Shopify's app-level subscriptions):
   * the header naming the external account, so `POST /webhooks/<name>` finds the connection.
   */
  webhookAccountHeader?: string;
  /**
   * The platform's webhook headers the hub must know of: `secret` ones (signatures, tokens) are
   * stored and logged as `[redacted]`; `topic` names the event, recorded with a delivery that was
   * refused before the connector read it. Header names are lower case.
   *
   * @example { secret: ['x-shopify-hmac-sha256'], topic: 'x-shopify-topic' }
   */
  webhookHeaders?: { secret: string[]; topic?: string };
}

export interface ConnectionContext<
  Settings = Record<string, unknown>,
  Credentials = Record<string, unknown>,
> {
  connectionId: string;
  merchantId: string;
  externalAccount: string;
  settings: Settings;
  credentials: Credentials;
  /** Connector-owned facts about this connection (webhook ids, location ids, caches); survives restarts. */
  state: Record<string, unknown>;
  /**
   * Merges into `state` and stores it.
   *
   * @example
   * await context.saveState({ webhookIds: { 'orders/updated': 42 } }); // other keys kept
   */
  saveState(patch: Record<string, unknown>): Promise<void>;
  /**
   * Replaces the credentials (a refreshed token); they are sealed before they are stored.
   *
   * @example
   * await context.saveCredentials({ ...context.credentials, accessToken: fresh.access_token });
   */
  saveCredentials(credentials: Credentials): Promise<void>;
  /** The hub's public base URL, and where this connection's webhooks must be sent. */
  hubUrl: string;
  webhookUrl: string;
  log: Logger;
}

export interface InboundRequest {
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  /** The exact bytes received; signatures are computed over these, never over re-serialized JSON. */
  rawBody: Buffer;
  /**
   * What followed the connection id in the URL, e.g. `/fulfillment_order_notification` (Shopify
   * appends it to a fulfillment service's callback URL); empty for the plain webhook URL.
   */
  subPath?: string;
}

export type VerifyFailure = 'missing_signature' | 'bad_signature' | 'stale_timestamp' | 'missing_secret';

export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailure; message: string };

export interface ParsedDelivery {
  topic: string;
  /**
   * Stable across redeliveries of the same change (Shopify's webhook id; WooCommerce's resource id
   * plus modification date; a 3PL's event id). The hub processes a key once per connection.
   */
  dedupeKey: string;
  /**
   * Work with the same key runs one at a time: `order:<source order id>` for a storefront's order,
   * `shipment:<our shipment reference>` for a 3PL's shipment. The hub also finds an order's failed
   * deliveries by these two forms, so use them for anything about one order or shipment.
   */
  serialKey: string | null;
  /** A delivery answered and recorded but with nothing to apply (a ping, a test event). */
  nothingToApply?: boolean;
}

export interface WebhookHandling<S, C> {
  /**
   * Checks the signature on the raw bytes, in constant time; a missing signature fails closed.
   *
   * @example
   * verifyWebhook: (request, context) =>
   *   verifyHmacSignature(request, {
   *     header: 'x-acme-signature',
   *     secrets: [context.credentials.webhookSecret],
   *     encoding: 'base64',
   *   }),
   */
  verifyWebhook(
    request: InboundRequest,
    context: ConnectionContext<S, C>,
  ): VerifyResult | Promise<VerifyResult>;
  /**
   * Reads what the hub needs to persist the delivery; throws MalformedPayloadError.
   *
   * @example
   * parseWebhook(request) {
   *   const event = acmeEvent.fromWebhook(readJsonBody(request.rawBody));
   *   return { topic: event.topic, dedupeKey: event.id, serialKey: shipmentSerialKey(event.reference) };
   * },
   */
  parseWebhook(request: InboundRequest, context: ConnectionContext<S, C>): ParsedDelivery;
  /**
   * Maps a stored delivery to canonical events; called by the apply job, possibly much later. It may
   * call the platform (a webhook that is only a hint, re-read for the current state).
   *
   * @example
   * toEvents(delivery) {
   *   const event = acmeEvent.fromWebhook(readJsonBody(delivery.rawBody));
   *   return [shipmentUpdated(event)]; // [{ type: 'shipment.updated', reference, externalId, status, ... }]
   * },
   */
  toEvents(
    delivery: { topic: string } & InboundRequest,
    context: ConnectionContext<S, C>,
  ): CanonicalEvent[] | Promise<CanonicalEvent[]>;
}

export interface ConnectionLifecycle<S, C> {
  /**
   * Checks a proposed configuration before anything is stored, changing nothing at the platform
   * (reads only): the URL is allowed, the account matches, the keys work. A throw refuses the
   * change and leaves the connection as it was. Optional; onConnect runs next.
   *
   * @example
   * async checkConnection(context) {
   *   const response = await acmeApi(context)({ method: 'GET', path: 'me' });
   *   if (response.status === 401) throw new NeedsHumanError('bad_credentials', 'the API key was refused');
   * },
   */
  checkConnection?(context: ConnectionContext<S, C>): Promise<void>;
  /**
   * Registers what the connection needs at the platform (webhooks, services); must be idempotent.
   * It runs against the proposed configuration before it is stored, with the connection's id and
   * webhook URL, and what it saves is stored only if it succeeds. If it fails on an existing
   * connection, the hub runs it again with the stored configuration, to put back what it changed.
   *
   * @example
   * async onConnect(context) {
   *   const id = await ensureWebhook(context, context.webhookUrl); // finds or creates, never twice
   *   await context.saveState({ webhookId: id });
   * },
   */
  onConnect?(context: ConnectionContext<S, C>): Promise<void>;
  /**
   * Runs with every reconciliation: repair what the platform disabled or deleted (webhooks), and say
   * whether a catch-up poll should follow. What it reports is shown on the connection's health.
   *
   * @example
   * async checkHealth(context) {
   *   const repaired = await recreateMissingWebhooks(context); // ['created:order.updated']
   *   return { healthy: true, repaired, catchUp: repaired.length > 0 };
   * },
   */
  checkHealth?(context: ConnectionContext<S, C>): Promise<HealthReport>;
}

/** A connection's health as its platform sees it, from `checkHealth`. */
export interface HealthReport {
  healthy: boolean;
  /** What was put back, one entry per change (`created:order.updated`, `webhook:ORDERS_CREATE`). */
  repaired: string[];
  catchUp: boolean;
  /** The hub's webhooks at the platform after the repair, where the platform says. */
  webhooks?: WebhookStatus[];
  /** When the credentials stop working unless renewed, where the platform says (expiring tokens). */
  token?: { expiresAt: string | null; refreshExpiresAt: string | null };
}

export interface WebhookStatus {
  topic: string;
  /** The platform's word (`active`, `paused`, `disabled`), or `managed_by_app` for app-level subscriptions. */
  status: string;
  /** What the health check did to it just now, if anything (`created`, `reactivated`, `moved`). */
  repaired?: string;
}

export interface PollResult {
  events: CanonicalEvent[];
  /** Where the next poll starts; null keeps the old cursor. */
  nextCursor: string | null;
}

/** The order as a storefront connector gets it back, with the opaque data it gave the hub. */
export interface OrderRef {
  sourceOrderId: string;
  sourceOrderName: string;
  sourceData: Record<string, unknown>;
}

export type Connector = StorefrontConnector | FulfillmentConnector;

export type { HttpClient };
