/** The canonical order: what every storefront's order becomes inside the hub. */

export interface Address {
  name: string;
  company?: string | null;
  address1: string;
  address2?: string | null;
  city: string;
  province?: string | null;
  postalCode?: string | null;
  countryCode: string;
  phone?: string | null;
}

export interface OrderLineInput {
  sourceLineId: string;
  sku: string | null;
  name: string;
  quantity: number;
  unitPriceMinor: number;
  /** Gift cards, digital goods and services are not sent to a 3PL. */
  requiresShipping: boolean;
  /**
   * The storefront's product and variant ids, as exact strings: the merchant's SKU map can name a
   * line by them when it has no SKU (a hand-made card, a gift wrap). Null or absent when unknown.
   */
  sourceProductId?: string | null;
  sourceVariantId?: string | null;
}

/** An order as a storefront connector maps it; the hub adds ids and state. */
export interface OrderInput {
  sourceOrderId: string;
  sourceOrderName: string;
  /** The storefront's own modification time; a change older than the stored one is ignored. */
  sourceUpdatedAt: string;
  placedAt: string;
  currency: string;
  totalMinor: number;
  email: string | null;
  shippingAddress: Address | null;
  shippingMethod: string | null;
  lines: OrderLineInput[];
  tags: string[];
  note: string | null;
  test: boolean;
  /** Whether the storefront considers the order paid and ready to ship. */
  readyToFulfill: boolean;
  cancelled: boolean;
  /**
   * Opaque to the hub: what the connector needs later about this order (Shopify's fulfillment order
   * and line item ids). Handed back on writeTracking, answerRouting and answerCancellation.
   */
  sourceData?: Record<string, unknown>;
}

export interface Tracking {
  carrier: string | null;
  number: string;
  url: string | null;
}

export interface StockLevel {
  sku: string;
  location: string;
  available: number;
}
