/**
 * What a fulfillment connector implements (a 3PL: ShipBob, the sandbox's): the hub submits
 * shipments to it, cancels them, and reads its stock and shipment news.
 */
import type { Address, StockLevel } from '../domain/order.ts';
import type {
  ConnectionContext,
  ConnectionLifecycle,
  ConnectorManifest,
  PollResult,
  WebhookHandling,
} from './contracts.ts';
import type { InstallRoute } from './install-contract.ts';

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
