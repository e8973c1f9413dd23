/**
 * The sandbox storefront's public shapes: its orders as they travel in webhooks and API answers
 * (Shopify-like, snake_case, ids and money as strings), and the simulator's options and methods.
 */
import type { CatalogItem } from './demo-data.ts';
import type { SimulatorOptions, SimulatorServer } from './simulator-types.ts';
import type { SentEvent } from './webhook-sender.ts';

export interface StorefrontAddress {
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

export interface StorefrontLineItem {
  id: string;
  /** Null for a product without a SKU (a hand-made card, a gift wrap). */
  sku: string | null;
  title: string;
  quantity: number;
  price: string;
  requires_shipping: boolean;
  product_id: string | null;
  variant_id: string | null;
}

export interface StorefrontFulfillment {
  id: string;
  reference: string;
  tracking: { carrier: string | null; number: string; url: string | null };
  line_items: { id: string; quantity: number }[];
  created_at: string;
}

export interface StorefrontOrder {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
  financial_status: 'paid' | 'pending';
  cancelled_at: string | null;
  currency: string;
  total_price: string;
  email: string | null;
  shipping_address: StorefrontAddress | null;
  shipping_method: string | null;
  tags: string[];
  note: string | null;
  test: boolean;
  line_items: StorefrontLineItem[];
  fulfillments: StorefrontFulfillment[];
}

export type StorefrontTopic = 'orders/create' | 'orders/updated' | 'orders/cancelled';

/** What can be changed on an existing order. */
export type OrderChanges = Partial<
  Pick<
    StorefrontOrder,
    'email' | 'financial_status' | 'shipping_address' | 'shipping_method' | 'tags' | 'note'
  >
>;

/** Everything not given is made up: a random demo customer and 1 to 3 random catalog lines. */
export interface OrderOverrides extends OrderChanges {
  /** A SKU outside the catalog is allowed (to test unknown SKUs downstream); give it a price. */
  lines?: {
    sku: string | null;
    quantity: number;
    title?: string;
    price?: string;
    requires_shipping?: boolean;
    product_id?: string;
    variant_id?: string;
  }[];
}

export interface StorefrontSimulatorOptions extends SimulatorOptions {
  catalog?: CatalogItem[];
  currency?: string;
  /** Place a random demo order every this many milliseconds once listening; 0 (default) = never. */
  orderIntervalMs?: number;
  /** SKUs whose stock the inventory API refuses, item by item (`stock_locked`), as a batch answer. */
  refuseStockSkus?: string[];
}

export interface StorefrontSimulator extends SimulatorServer {
  placeOrder(overrides?: OrderOverrides): StorefrontOrder;
  updateOrder(id: string, changes: OrderChanges): StorefrontOrder;
  cancelOrder(id: string): StorefrontOrder;
  /** Sends a past event again with the same event id and body, as platforms do on redelivery. */
  resend(eventId: string): void;
  getOrder(id: string): StorefrontOrder | undefined;
  listOrders(): StorefrontOrder[];
  /** Available quantity per SKU, as last set through the inventory API (catalog SKUs start at 0). */
  inventory(): Record<string, number>;
  fulfillmentsOf(orderId: string): StorefrontFulfillment[];
  events(): SentEvent[];
}
