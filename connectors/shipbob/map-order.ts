/**
 * A hub shipment as ShipBob's `POST /order` body (its `Orders.CreateOrderModel`): our shipment id
 * as `reference_id` (unique per ShipBob account: the idempotency key), a DTC order, products by
 * `reference_id` = SKU with their name (ShipBob creates a product it does not know yet), the
 * recipient and address, the ship option the merchant mapped the storefront's method to, and the
 * fulfillment centre the hub routed the shipment to (`location_id`, ShipBob's "desired" centre).
 * Pure: throws NeedsHumanError for what only a person can fix, before anything is sent.
 */
import { NeedsHumanError, type ShipmentRequest } from '../../src/sdk/index.ts';
import type { ShipBobSettings } from './connection.ts';

export interface CreateOrderBody {
  reference_id: string;
  order_number: string;
  type: 'DTC';
  shipping_method: string;
  recipient: {
    name: string;
    email: string | null;
    phone_number: string | null;
    address: {
      address1: string;
      address2: string | null;
      company_name: string | null;
      city: string;
      state: string | null;
      zip_code: string | null;
      country: string;
    };
  };
  products: { reference_id: string; name: string; quantity: number }[];
  /** Absent: ShipBob picks the centre (the hub routed nowhere in particular). */
  location_id?: number;
}

const normalize = (method: string) => method.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * The ShipBob ship option for the storefront's method: the mapping's entry (exact, then ignoring
 * case and spacing), else the merchant's default. ShipBob itself would silently create an unknown
 * method and ship it Standard; the hub asks instead.
 */
export function shipOptionFor(settings: ShipBobSettings, method: string | null): string {
  const mapping = settings.shippingMethods ?? {};
  if (method !== null && method.trim() !== '') {
    const exact = mapping[method];
    if (exact) return exact;
    const wanted = normalize(method);
    const loose = Object.entries(mapping).find(([key]) => normalize(key) === wanted);
    if (loose) return loose[1];
  }
  if (settings.defaultShippingMethod) return settings.defaultShippingMethod;
  if (method === null || method.trim() === '') {
    throw new NeedsHumanError(
      'shipping_method_missing',
      'the order has no shipping method and the ShipBob connection has no defaultShippingMethod',
      {},
    );
  }
  throw new NeedsHumanError(
    'unmapped_shipping_method',
    `the shipping method “${method}” is not mapped to a ShipBob ship option: add it to the connection's shippingMethods (or set defaultShippingMethod)`,
    { shippingMethod: method, mapped: Object.keys(mapping) },
  );
}

const orNull = (value: string | null | undefined) => (value && value.trim() !== '' ? value.trim() : null);

/** The hub's location key is a ShipBob centre id (`StockLevel.location`); anything else names none. */
function centreOf(location: string | null | undefined): number | null {
  return location && /^\d{1,9}$/.test(location) ? Number(location) : null;
}

export function createOrderBody(request: ShipmentRequest, settings: ShipBobSettings): CreateOrderBody {
  const shippingMethod = shipOptionFor(settings, request.shippingMethod);
  const address = request.shipTo;
  const missing = (['name', 'address1', 'city', 'countryCode'] as const).filter(
    (field) => !orNull(address[field]),
  );
  if (missing.length > 0) {
    throw new NeedsHumanError(
      'invalid_address',
      `the shipping address lacks ${missing.join(', ')}, which ShipBob requires`,
      {
        reference: request.reference,
        missing,
      },
    );
  }
  if (request.lines.length === 0) {
    throw new NeedsHumanError('no_lines', 'the shipment has no lines to send to ShipBob', {
      reference: request.reference,
    });
  }
  const skuless = request.lines.filter((line) => !orNull(line.sku));
  if (skuless.length > 0) {
    throw new NeedsHumanError('missing_sku', 'a line has no SKU, and ShipBob identifies products by SKU', {
      reference: request.reference,
    });
  }
  const centre = centreOf(request.location);
  return {
    reference_id: request.reference,
    order_number: request.orderName.slice(0, 400),
    type: 'DTC',
    shipping_method: shippingMethod,
    recipient: {
      name: address.name.trim(),
      email: orNull(request.email),
      phone_number: orNull(address.phone),
      address: {
        address1: address.address1.trim(),
        address2: orNull(address.address2),
        company_name: orNull(address.company),
        city: address.city.trim(),
        state: orNull(address.province),
        zip_code: orNull(address.postalCode),
        country: address.countryCode.trim().toUpperCase(),
      },
    },
    products: request.lines.map((line) => ({
      reference_id: line.sku.trim(),
      name: line.name.trim() || line.sku.trim(),
      quantity: line.quantity,
    })),
    ...(centre === null ? {} : { location_id: centre }),
  };
}
