/**
 * Where a store keeps tracking, found from its REST namespaces rather than configured, because
 * merchants install and remove tracking plugins without telling anyone:
 *
 * 1. `wc-shipment-tracking/v3`: WooCommerce Shipment Tracking, or Advanced Shipment Tracking (AST),
 *    which registers the same namespace as a drop-in replacement; tracking shows in the customer's
 *    emails and account;
 * 2. core order fulfillments (`wc/v3/orders/<id>/fulfillments`, WooCommerce 10.1+);
 * 3. neither: order meta plus a note, written by us.
 */
import type { TrackingCapability } from './connection-state.ts';
import type { WooClient, WooResponse } from './woo-client.ts';
import { wooIndex } from './woo-payloads.ts';

export const SHIPMENT_TRACKING_NAMESPACE = 'wc-shipment-tracking/v3';
export const FULFILLMENTS_ROUTE = '/wc/v3/orders/(?P<order_id>[\\d]+)/fulfillments';

/** Re-detected after this long, so a plugin installed later is picked up. */
export const DETECTION_TTL_MS = 24 * 60 * 60 * 1000;

/** Pure: the capability an index (`GET /wp-json/`) shows. */
export function capabilityFromIndex(index: {
  namespaces: string[];
  routes?: Record<string, unknown>;
}): TrackingCapability {
  if (index.namespaces.includes(SHIPMENT_TRACKING_NAMESPACE)) return 'shipment-tracking';
  if (index.routes && Object.hasOwn(index.routes, FULFILLMENTS_ROUTE)) return 'fulfillments';
  return 'order-meta';
}

/**
 * Reads the public index. Security plugins often hide it (401/403/404); then we ask the two
 * endpoints themselves for one order, which API keys may call: a route the store lacks answers
 * `rest_no_route`.
 */
export async function detectTracking(client: WooClient, probeOrderId: string): Promise<TrackingCapability> {
  const index = await client.index();
  if (index.status === 200 && wooIndex.matches(index.body)) return capabilityFromIndex(index.body);

  const tracking = await client.request({
    method: 'GET',
    namespace: SHIPMENT_TRACKING_NAMESPACE,
    path: `orders/${probeOrderId}/shipment-trackings`,
  });
  if (answered(tracking)) return 'shipment-tracking';
  const fulfillments = await client.request({ method: 'GET', path: `orders/${probeOrderId}/fulfillments` });
  if (answered(fulfillments)) return 'fulfillments';
  return 'order-meta';
}

/** The route exists: it answered, or refused this order (not "no such route"). */
function answered(response: WooResponse): boolean {
  if (response.status === 200) return true;
  const code = (response.body as { code?: unknown } | null)?.code;
  return response.status === 404 && typeof code === 'string' && code !== 'rest_no_route';
}
