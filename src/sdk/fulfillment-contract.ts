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
  /**
   * The 3PL's own key of the warehouse the hub routed this shipment to (the key its stock levels
   * carry), or null when routing left the choice to the 3PL. A 3PL that places orders itself may
   * treat it as a preference; it must not ship from elsewhere silently when it can ship from here.
   */
  location?: string | null;
}

export interface SubmittedShipment {
  externalId: string;
  status: 'submitted' | 'accepted';
  /** Opaque to the hub; handed back on later calls about this shipment (Medusa's pattern). */
  data?: Record<string, unknown>;
}

/**
 * One of the 3PL's warehouses (a ShipBob fulfillment centre). `id` is the 3PL's own location key,
 * the one `StockLevel.location` carries. Address parts the 3PL does not give are null.
 */
export interface FulfillmentLocation {
  id: string;
  name: string;
  address: {
    /** ISO 3166-1 alpha-2. */
    countryCode: string | null;
    /** State, province or region. */
    province: string | null;
    postalCode: string | null;
  };
  coordinates: { latitude: number; longitude: number } | null;
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
   *
   * @example
   * async submitShipment(context, request) {
   *   const response = await acmeApi(context)({ method: 'POST', path: 'orders', body: { reference_id: request.reference, ...toAcme(request) } });
   *   if (response.status === 409) return (await findByReference(context, request.reference))!; // already there
   *   return { externalId: String(acmeOrder.fromResponse(response.body, 'POST orders').id), status: 'submitted' };
   * },
   */
  submitShipment(context: ConnectionContext<S, C>, request: ShipmentRequest): Promise<SubmittedShipment>;
  /**
   * The remote order the 3PL holds under our reference, or null. The hub asks before cancelling a
   * shipment whose submission it never saw answered (a crash mid-submit), so a cancel cannot miss it.
   *
   * @example
   * async findShipment(context, reference) {
   *   const response = await acmeApi(context)({ method: 'GET', path: 'orders', query: { reference_id: reference } });
   *   const [order] = acmeOrders.fromResponse(response.body, 'GET orders');
   *   return order ? { externalId: String(order.id), status: 'accepted' } : null;
   * },
   */
  findShipment(context: ConnectionContext<S, C>, reference: string): Promise<SubmittedShipment | null>;
  /**
   * Cancels the remote order, or says why the 3PL refused (it has shipped); a refusal is an answer, not an error.
   *
   * @example
   * async cancelShipment(context, { externalId }) {
   *   const response = await acmeApi(context)({ method: 'POST', path: `orders/${externalId}/cancel` });
   *   return response.status === 200 ? { outcome: 'cancelled', reason: null } : { outcome: 'refused', reason: 'already shipped' };
   * },
   */
  cancelShipment(
    context: ConnectionContext<S, C>,
    shipment: { reference: string; externalId: string; data: Record<string, unknown> },
  ): Promise<{
    outcome: 'cancelled' | 'refused';
    reason: string | null;
    /** The 3PL's answer per parcel, when it has several for this shipment (optional, not read yet). */
    parcels?: { externalId: string; outcome: 'cancelled' | 'refused'; reason: string | null }[];
  }>;
  /**
   * Every SKU the 3PL holds, with what it can ship now.
   *
   * @example
   * async fetchStock(context) {
   *   const response = await acmeApi(context)({ method: 'GET', path: 'inventory' });
   *   return acmeStock.fromResponse(response.body, 'GET inventory').map((item) => ({ sku: item.sku, location: item.warehouse, available: item.on_hand }));
   * },
   */
  fetchStock(context: ConnectionContext<S, C>): Promise<StockLevel[]>;
  /**
   * Optional: the 3PL's warehouses. The hub stores them when the connection is saved and on each
   * reconciliation; without it, a location is known only by the key its stock levels carry.
   *
   * @example
   * async listLocations(context) {
   *   const response = await acmeApi(context)({ method: 'GET', path: 'warehouses' });
   *   return acmeWarehouses.fromResponse(response.body, 'GET warehouses').map((w) => ({
   *     id: w.code, name: w.name, address: { countryCode: w.country, province: w.state, postalCode: w.zip }, coordinates: null,
   *   }));
   * },
   */
  listLocations?(context: ConnectionContext<S, C>): Promise<FulfillmentLocation[]>;
  /**
   * Reconciliation: what changed at the 3PL since the cursor (shipments, stock), whether or not a webhook told us.
   *
   * @example
   * async pollSince(context, cursor) {
   *   const page = await listShipmentsChangedSince(context, cursor);
   *   return { events: page.items.map(shipmentUpdated), nextCursor: page.lastChangedAt ?? null };
   * },
   */
  pollSince(context: ConnectionContext<S, C>, cursor: string | null): Promise<PollResult>;
}
