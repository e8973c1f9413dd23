/**
 * The sandbox 3PL's public shapes: its orders and shipments as they travel in webhooks and API
 * answers, and the simulator's options and methods.
 */
import type { SimulatorOptions, SimulatorServer } from './simulator-types.ts';
import type { ThreePlLocation, ThreePlLocationOptions } from './three-pl-locations.ts';
import type { SentEvent } from './webhook-sender.ts';

export type ThreePlOrderStatus = 'accepted' | 'shipped' | 'delivered' | 'cancelled';
export type ThreePlTopic = 'shipment.shipped' | 'shipment.delivered' | 'stock.changed';

export interface ThreePlShipTo {
  name: string;
  company: string | null;
  address1: string;
  address2: string | null;
  city: string;
  province: string | null;
  zip: string | null;
  country_code: string;
  phone: string | null;
}

export interface ThreePlLine {
  sku: string;
  name: string;
  quantity: number;
}

export interface ThreePlShipment {
  carrier: string;
  tracking_number: string;
  tracking_url: string;
  shipped_at: string;
  delivered_at: string | null;
  lines: { sku: string; quantity: number }[];
}

export interface ThreePlOrder {
  id: string;
  reference: string;
  order_number: string;
  email: string | null;
  ship_to: ThreePlShipTo;
  shipping_method: string | null;
  status: ThreePlOrderStatus;
  /** The warehouse that holds and ships the order (the 3PL picks it). */
  location: string;
  created_at: string;
  updated_at: string;
  lines: ThreePlLine[];
  shipment: ThreePlShipment | null;
}

export interface ThreePlSimulatorOptions extends SimulatorOptions {
  /** Available units per SKU; a SKU not in it is unknown to the warehouse. Default: the demo catalog. */
  stock?: Record<string, number>;
  /** The one location's key, when `locations` is not given. Default `SBX-WH-1`. */
  location?: string;
  /**
   * Several warehouses, each with its own stock (replaces `stock` and `location`); see
   * `twoLocations()`. An order goes to the first that can ship all of it, else the first that
   * stocks every SKU.
   */
  locations?: ThreePlLocationOptions[];
  /** Ship this long after acceptance; 0 = only when `shipNow` is called. Default 3000. */
  shipDelayMs?: number;
  /** Answer 503 to the first N creates without creating anything (an outage). */
  failFirstCreates?: number;
  /** For the next N creates, create the order and then answer 500 (a lost response). */
  failAfterCreate?: number;
  /** SKUs the warehouse refuses (hazmat, say): 422 `rejected`. */
  rejectSkus?: string[];
  /** Called after an order is stored and before the create response is sent (to test races). */
  beforeCreateResponse?: (order: ThreePlOrder) => Promise<void> | void;
}

export interface ThreePlSimulator extends SimulatorServer {
  orders(): ThreePlOrder[];
  ordersByReference(reference: string): ThreePlOrder[];
  /** The next N creates store the order and then answer 500, as `failAfterCreate` does at start. */
  loseCreateAnswers(count: number): void;
  /** How many `POST /v1/orders` requests arrived (authenticated), whatever their outcome. */
  createAttempts(): number;
  /** Ships an accepted order now (a no-op for one already shipped). */
  shipNow(orderId: string): ThreePlOrder;
  /** Marks a shipped order delivered and sends `shipment.delivered`. */
  deliverNow(orderId: string): ThreePlOrder;
  /** Available units per SKU at a location (default: the first). */
  stock(location?: string): Record<string, number>;
  /** Sets a SKU's available units at a location (default: the first) and sends `stock.changed`. */
  setStock(sku: string, available: number, location?: string): void;
  locations(): ThreePlLocation[];
  resend(eventId: string): void;
  events(): SentEvent[];
}
