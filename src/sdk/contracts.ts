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
}

export interface ConnectionContext<Settings = Record<string, unknown>, Credentials = Record<string, unknown>> {
  connectionId: string;
  merchantId: string;
  externalAccount: string;
  settings: Settings;
  credentials: Credentials;
  log: Logger;
}

export interface InboundRequest {
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  /** The exact bytes received; signatures are computed over these, never over re-serialized JSON. */
  rawBody: Buffer;
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
  /** Work with the same key runs one at a time: the source order id, or our shipment reference. */
  serialKey: string | null;
  /** A delivery answered and recorded but with nothing to apply (a ping, a test event). */
  nothingToApply?: boolean;
}

export type ShipmentEventStatus = 'accepted' | 'shipped' | 'delivered' | 'exception' | 'cancelled';

/** Everything a connector reports, in canonical terms. */
export type CanonicalEvent =
  | { type: 'order.upserted'; order: OrderInput }
  | { type: 'order.cancelled'; sourceOrderId: string; sourceUpdatedAt: string }
  | {
      type: 'shipment.updated';
      /** Our shipment id, which we gave the 3PL as its reference. */
      reference: string;
      externalId: string;
      status: ShipmentEventStatus;
      tracking: Tracking | null;
      reason: string | null;
      occurredAt: string;
    }
  | { type: 'stock.changed'; levels: StockLevel[]; occurredAt: string };

export interface WebhookHandling<S, C> {
  /** Checks the signature on the raw bytes, in constant time; a missing signature fails closed. */
  verifyWebhook(request: InboundRequest, context: ConnectionContext<S, C>): VerifyResult;
  /** Reads what the hub needs to persist the delivery; throws MalformedPayloadError. */
  parseWebhook(request: InboundRequest, context: ConnectionContext<S, C>): ParsedDelivery;
  /** Maps a stored delivery to canonical events; called by the apply job, possibly much later. */
  toEvents(delivery: { topic: string } & InboundRequest, context: ConnectionContext<S, C>): CanonicalEvent[];
}

export interface PollResult {
  events: CanonicalEvent[];
  /** Where the next poll starts; null keeps the old cursor. */
  nextCursor: string | null;
}

export interface StorefrontConnector<S = any, C = any> extends WebhookHandling<S, C> {
  manifest: ConnectorManifest & { role: 'storefront' };
  /** Tells the storefront a shipment left, with tracking; must be idempotent on `shipment.id`. */
  writeTracking(
    context: ConnectionContext<S, C>,
    input: {
      order: { sourceOrderId: string; sourceOrderName: string };
      shipment: { id: string; lines: { sourceLineId: string; sku: string; quantity: number }[]; tracking: Tracking };
    },
  ): Promise<{ externalId: string }>;
  /** Sets absolute available quantities for the given SKUs. */
  publishStock(context: ConnectionContext<S, C>, levels: { sku: string; available: number }[]): Promise<void>;
  /** Reconciliation: what changed since the cursor, whether or not a webhook told us. */
  pollSince(context: ConnectionContext<S, C>, cursor: string | null): Promise<PollResult>;
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

export interface FulfillmentConnector<S = any, C = any> extends WebhookHandling<S, C> {
  manifest: ConnectorManifest & { role: 'fulfillment' };
  /**
   * Creates the remote order. Must never create a second one for the same reference: use the
   * 3PL's idempotency, or look up by reference when the create is refused as a duplicate.
   */
  submitShipment(context: ConnectionContext<S, C>, request: ShipmentRequest): Promise<SubmittedShipment>;
  cancelShipment(
    context: ConnectionContext<S, C>,
    shipment: { reference: string; externalId: string; data: Record<string, unknown> },
  ): Promise<{ outcome: 'cancelled' | 'refused'; reason: string | null }>;
  /** Every SKU the 3PL holds, with what it can ship now. */
  fetchStock(context: ConnectionContext<S, C>): Promise<StockLevel[]>;
  pollSince(context: ConnectionContext<S, C>, cursor: string | null): Promise<PollResult>;
}

export type Connector = StorefrontConnector | FulfillmentConnector;

export type { HttpClient };
