/**
 * Between the hub's canonical shapes and the sandbox 3PL's: the create-order body we send, and the
 * shipment and stock events we receive. Pure functions, like every mapping.
 */
import {
  type Address,
  type CanonicalEvent,
  type FulfillmentLocation,
  LIMITS,
  type ShipmentRequest,
  type StockLevel,
} from '../../src/sdk/index.ts';
import type {
  StockLevelsPayload,
  StockResponsePayload,
  ThreePlLocationPayload,
  ThreePlOrderPayload,
} from './three-pl-payloads.ts';

type ShipmentUpdated = Extract<CanonicalEvent, { type: 'shipment.updated' }>;

export function createOrderBody(request: ShipmentRequest) {
  return {
    reference: request.reference,
    order_number: request.orderName,
    email: request.email,
    ship_to: shipTo(request.shipTo),
    shipping_method: request.shippingMethod,
    lines: request.lines.map(({ sku, name, quantity }) => ({ sku, name, quantity })),
    location: request.location ?? null,
  };
}

/** Optional canonical fields become explicit nulls: the 3PL's schema wants every key. */
function shipTo(address: Address) {
  return {
    name: address.name,
    company: address.company ?? null,
    address1: address.address1,
    address2: address.address2 ?? null,
    city: address.city,
    province: address.province ?? null,
    zip: address.postalCode ?? null,
    country_code: address.countryCode,
    phone: address.phone ?? null,
  };
}

/** A 3PL order as the hub sees a shipment: our reference, their id, its status and tracking. */
export function shipmentUpdated(order: ThreePlOrderPayload, occurredAt: string): ShipmentUpdated {
  return {
    type: 'shipment.updated',
    reference: order.reference,
    externalId: order.id,
    status: order.status,
    tracking: order.shipment
      ? {
          carrier: order.shipment.carrier,
          number: order.shipment.tracking_number,
          url: order.shipment.tracking_url,
        }
      : null,
    reason: null,
    occurredAt,
  };
}

/** Every warehouse's levels in a stock answer (older answers carry only the one). */
export function stockLevelsOfAnswer(payload: StockResponsePayload): StockLevel[] {
  return payload.locations ? payload.locations.flatMap(stockLevels) : stockLevels(payload);
}

/** A warehouse as the contract's location. */
export function locationOf(payload: ThreePlLocationPayload): FulfillmentLocation {
  const { latitude, longitude } = payload;
  return {
    id: payload.id,
    name: payload.name.trim() || payload.id,
    address: { countryCode: payload.country_code, province: payload.province, postalCode: payload.zip },
    coordinates: latitude !== null && longitude !== null ? { latitude, longitude } : null,
  };
}

/** The 3PL reports one location per payload; the canonical level carries it on every row. */
export function stockLevels(payload: StockLevelsPayload): StockLevel[] {
  return payload.levels.map(({ sku, available }) => ({ sku, location: payload.location, available }));
}

/**
 * The levels of an API answer the hub can store. An answer cannot be refused, so a count beyond
 * a stock column is left out (its SKU stays unknown, which holds its orders visibly) rather than
 * failing every order that needs the stock.
 */
export function storableLevels(levels: StockLevel[]): { levels: StockLevel[]; refused: string[] } {
  const { min, max } = LIMITS.stock;
  const fits = (level: StockLevel) =>
    Number.isInteger(level.available) && level.available >= min && level.available <= max;
  return {
    levels: levels.filter(fits),
    refused: levels.filter((level) => !fits(level)).map((level) => level.sku),
  };
}
