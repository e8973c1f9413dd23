/**
 * What a connector implements. A connector imports only from `src/sdk`; the hub finds it through
 * `connectors/registry.ts`. The hub owns persistence, retries, rate limiting and state; a connector
 * owns the platform: verifying and reading its webhooks, mapping its payloads to the canonical model,
 * and calling its API.
 */
import type { Logger } from 'pino';
import type { Address, OrderInput, StockLevel, Tracking } from '../domain/order.ts';
import type { HttpClient } from './http-client.ts';

export type { Address, OrderInput, OrderLineInput, StockLevel, Tracking } from '../domain/order.ts';

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
  /** The remote API's published limit; the hub queues calls per connection to respect it. */
  rateLimit: { concurrency: number; intervalMs: number; intervalCap: number };
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
  /** Merges into `state` and stores it. */
  saveState(patch: Record<string, unknown>): Promise<void>;
  /** Replaces the credentials (a refreshed token); they are sealed before they are stored. */
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

export type ShipmentEventStatus = 'accepted' | 'shipped' | 'delivered' | 'exception' | 'cancelled';

/** Who a privacy request is about. */
export interface CustomerRef {
  email: string | null;
  sourceCustomerId: string | null;
  /** Orders the platform names in the request. */
  sourceOrderIds: string[];
}

/** Everything a connector reports, in canonical terms. */
export type CanonicalEvent =
  | { type: 'order.upserted'; order: OrderInput }
  | {
      type: 'order.cancelled';
      sourceOrderId: string;
      sourceUpdatedAt: string;
      /**
       * True when the storefront asks rather than tells (Shopify's cancellation request): the hub
       * answers through `answerCancellation` once the 3PL has said whether it can still cancel.
       */
      requested?: boolean;
    }
  /**
   * The storefront holds this version of an order but it cannot be taken (a quantity or amount
   * beyond what the hub can hold), and the platform cannot be refused (it was read by a poll or
   * re-read in toEvents): the hub holds the order with the problem, for a person to correct it at
   * the storefront; its next valid version releases it.
   */
  | {
      type: 'order.invalid';
      sourceOrderId: string;
      sourceOrderName: string | null;
      /** Null when the version itself is what could not be read. */
      sourceUpdatedAt: string | null;
      problem: string;
    }
  | {
      type: 'shipment.updated';
      /**
       * Our shipment id, which we gave the 3PL as its reference: the hub matches the event by it.
       * Empty when the 3PL sends only its own id; then the hub goes by the id it bound.
       */
      reference: string;
      externalId: string;
      status: ShipmentEventStatus;
      tracking: Tracking | null;
      reason: string | null;
      occurredAt: string;
      /**
       * When the 3PL ships one submission in several parcels (ShipBob splits an order into
       * shipments, possibly from several warehouses), each of them; `status` and `tracking` above
       * summarise them. Optional, and not read by the hub yet.
       */
      parcels?: {
        externalId: string;
        status: ShipmentEventStatus;
        tracking: Tracking | null;
        location: string | null;
        reason: string | null;
      }[];
    }
  | { type: 'stock.changed'; levels: StockLevel[]; occurredAt: string }
  /** A storefront's own stock changed (an admin edit, or the echo of our write): the 3PL stays the truth. */
  | { type: 'storefront.stock_changed'; levels: { sku: string; available: number }[]; occurredAt: string }
  /** The merchant removed the app: stop everything for this connection. */
  | { type: 'connection.uninstalled'; occurredAt: string }
  /** Erase this customer's personal data (GDPR and the like). */
  | { type: 'customer.redact'; customer: CustomerRef; requestId: string | null }
  /** Report what the hub holds about this customer. */
  | { type: 'customer.data_request'; customer: CustomerRef; requestId: string | null }
  /** Erase everything the hub holds for this account (Shopify's shop/redact). */
  | { type: 'account.redact'; requestId: string | null };

export interface WebhookHandling<S, C> {
  /** Checks the signature on the raw bytes, in constant time; a missing signature fails closed. */
  verifyWebhook(
    request: InboundRequest,
    context: ConnectionContext<S, C>,
  ): VerifyResult | Promise<VerifyResult>;
  /** Reads what the hub needs to persist the delivery; throws MalformedPayloadError. */
  parseWebhook(request: InboundRequest, context: ConnectionContext<S, C>): ParsedDelivery;
  /**
   * Maps a stored delivery to canonical events; called by the apply job, possibly much later. It may
   * call the platform (a webhook that is only a hint, re-read for the current state).
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
   */
  checkConnection?(context: ConnectionContext<S, C>): Promise<void>;
  /**
   * Registers what the connection needs at the platform (webhooks, services); must be idempotent.
   * It runs against the proposed configuration before it is stored, with the connection's id and
   * webhook URL, and what it saves is stored only if it succeeds. If it fails on an existing
   * connection, the hub runs it again with the stored configuration, to put back what it changed.
   */
  onConnect?(context: ConnectionContext<S, C>): Promise<void>;
  /**
   * Runs with every reconciliation: repair what the platform disabled or deleted (webhooks), and say
   * whether a catch-up poll should follow. What it reports is shown on the connection's health.
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

/** An HTTP request to an install route, with the raw body. */
export interface InstallRequest {
  method: string;
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
}

export interface InstallResponse {
  status: number;
  /** An array sends the header several times (two `set-cookie`s, say). */
  headers?: Record<string, string | string[]>;
  /** An object is sent as JSON, a string as text/html. */
  body?: unknown;
}

/** What an install flow may ask of the hub. */
export interface InstallApi {
  hubUrl: string;
  log: Logger;
  /** A one-time value (an OAuth `state`) with data, valid for `ttlSeconds`. */
  issueNonce(data: Record<string, unknown>, ttlSeconds: number): Promise<string>;
  /** The data of a nonce, once; null when unknown, used or expired. */
  consumeNonce(nonce: string): Promise<Record<string, unknown> | null>;
  /**
   * Checks and sets up the connection for this account (the connector's checkConnection and
   * onConnect), then creates or re-activates it; a refusal or failed set-up stores nothing.
   */
  connect(input: {
    externalAccount: string;
    settings: Record<string, unknown>;
    credentials: Record<string, unknown>;
    /** The merchant to attach to; when absent, the account's existing merchant or a new one named so. */
    merchantId?: string;
    merchantName?: string;
  }): Promise<{ connectionId: string; merchantId: string; webhookUrl: string }>;
  findConnection(
    externalAccount: string,
  ): Promise<{ connectionId: string; merchantId: string; status: string } | null>;
}

export interface InstallRoute {
  method: 'GET' | 'POST';
  /** Under `/install/<connector name>`: '' for the start, '/callback' and so on. */
  path: string;
  handler(request: InstallRequest, hub: InstallApi): Promise<InstallResponse>;
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

// biome-ignore lint/suspicious/noExplicitAny: the registry holds connectors of every settings type
export interface StorefrontConnector<S = any, C = any>
  extends WebhookHandling<S, C>,
    ConnectionLifecycle<S, C> {
  manifest: ConnectorManifest & { role: 'storefront' };
  install?: { routes: InstallRoute[] };
  /** Tells the storefront a shipment left, with tracking; must be idempotent on `shipment.id`. */
  writeTracking(
    context: ConnectionContext<S, C>,
    input: {
      order: OrderRef;
      shipment: {
        id: string;
        lines: { sourceLineId: string; sku: string; quantity: number }[];
        tracking: Tracking;
      };
      /** The id this shipment's write got last time, when tracking changes after the first write. */
      previousExternalId: string | null;
    },
  ): Promise<{ externalId: string }>;
  /**
   * Sets absolute available quantities for the given SKUs. `idempotencyKey` stays the same when the
   * same publication is retried (Shopify's `@idempotent`). Items the storefront refused one by one
   * (a batch answer with per-item errors) are returned, not thrown: the hub records the others as
   * published and shows these on the connection; throw only when the publication as a whole failed.
   */
  publishStock(
    context: ConnectionContext<S, C>,
    levels: { sku: string; available: number }[],
    options: { idempotencyKey: string },
  ): Promise<PublishStockResult>;
  /** After routing: tell the storefront whether the hub takes the order (fulfillment-service mode). */
  answerRouting?(
    context: ConnectionContext<S, C>,
    input: { order: OrderRef; outcome: 'accepted' | 'rejected'; reason: string | null },
  ): Promise<void>;
  /** After a requested cancellation: tell the storefront what the 3PL said. */
  answerCancellation?(
    context: ConnectionContext<S, C>,
    input: { order: OrderRef; outcome: 'cancelled' | 'refused'; reason: string | null },
  ): Promise<void>;
  /** Reconciliation: what changed since the cursor, whether or not a webhook told us. */
  pollSince(context: ConnectionContext<S, C>, cursor: string | null): Promise<PollResult>;
}

export interface PublishStockResult {
  /** SKUs that were not set; every other SKU given was set (or is not sold in this storefront). */
  failed: StockItemFailure[];
}

export interface StockItemFailure {
  sku: string;
  /** The platform's code where it gives one (`invalid_id`, `CHANGE_FROM_QUANTITY_STALE`), else ours. */
  code: string;
  message: string;
  /** True when another attempt may succeed without a person (the item moved, the answer left it out). */
  retryable: boolean;
}

export interface ShipmentRequest {
  /** Our shipment id: the 3PL's idempotency key (ShipBob `reference_id`, ShipHero `partner_order_id`). */
  reference: string;
  orderName: string;
  email: string | null;
  shipTo: Address;
  shippingMethod: string | null;
  lines: { sku: string; name: string; quantity: number }[];
}

export interface SubmittedShipment {
  externalId: string;
  status: 'submitted' | 'accepted';
  /** Opaque to the hub; handed back on later calls about this shipment (Medusa's pattern). */
  data?: Record<string, unknown>;
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds connectors of every settings type
export interface FulfillmentConnector<S = any, C = any>
  extends WebhookHandling<S, C>,
    ConnectionLifecycle<S, C> {
  manifest: ConnectorManifest & { role: 'fulfillment' };
  install?: { routes: InstallRoute[] };
  /**
   * Creates the remote order. Must never create a second one for the same reference: use the
   * 3PL's idempotency, or look up by reference when the create is refused as a duplicate.
   */
  submitShipment(context: ConnectionContext<S, C>, request: ShipmentRequest): Promise<SubmittedShipment>;
  /**
   * The remote order the 3PL holds under our reference, or null. The hub asks before cancelling a
   * shipment whose submission it never saw answered (a crash mid-submit), so a cancel cannot miss it.
   */
  findShipment(context: ConnectionContext<S, C>, reference: string): Promise<SubmittedShipment | null>;
  cancelShipment(
    context: ConnectionContext<S, C>,
    shipment: { reference: string; externalId: string; data: Record<string, unknown> },
  ): Promise<{
    outcome: 'cancelled' | 'refused';
    reason: string | null;
    /** The 3PL's answer per parcel, when it has several for this shipment (optional, not read yet). */
    parcels?: { externalId: string; outcome: 'cancelled' | 'refused'; reason: string | null }[];
  }>;
  /** Every SKU the 3PL holds, with what it can ship now. */
  fetchStock(context: ConnectionContext<S, C>): Promise<StockLevel[]>;
  pollSince(context: ConnectionContext<S, C>, cursor: string | null): Promise<PollResult>;
}

export type Connector = StorefrontConnector | FulfillmentConnector;

export type { HttpClient };
