/**
 * The files of a scaffolded storefront connector: its order payload and mapping, and the
 * contract's operations. Its tests are in `storefront-test-templates.ts`.
 */
import type { Names } from './names.ts';

export function storefrontMappingFile(n: Names): string {
  return `/**
 * ${n.display}'s order, its schema beside the type it guarantees, and the canonical order it maps to.
 * Write the schema from ${n.display}'s documentation: a connector never sees the far side's code.
 */
import {
  definePayload,
  minorUnits,
  nonEmptyString,
  nullableString,
  type OrderInput,
  quantity,
  timestamp,
} from '${n.sdk}/index.ts';

export interface ${n.pascal}Order {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
  currency: string;
  total: string;
  email: string | null;
  shipping_address: { name: string; address1: string; city: string; zip: string | null; country_code: string } | null;
  lines: { id: string; sku: string | null; name: string; quantity: number; price: string }[];
  paid: boolean;
  cancelled: boolean;
}

const decimal = { type: 'string', pattern: '^\\\\d{1,12}(\\\\.\\\\d{1,4})?$' } as const;

const orderSchema = {
  type: 'object',
  required: ['id', 'name', 'created_at', 'updated_at', 'currency', 'total', 'email', 'shipping_address', 'lines', 'paid', 'cancelled'],
  properties: {
    id: nonEmptyString,
    name: nonEmptyString,
    created_at: timestamp,
    updated_at: timestamp,
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    total: decimal,
    email: nullableString,
    shipping_address: {
      type: ['object', 'null'],
      required: ['name', 'address1', 'city', 'zip', 'country_code'],
      properties: {
        name: nonEmptyString,
        address1: nonEmptyString,
        city: nonEmptyString,
        zip: nullableString,
        country_code: { type: 'string', pattern: '^[A-Z]{2}$' },
      },
    },
    lines: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['id', 'sku', 'name', 'quantity', 'price'],
        properties: { id: nonEmptyString, sku: nullableString, name: nonEmptyString, quantity, price: decimal },
      },
    },
    paid: { type: 'boolean' },
    cancelled: { type: 'boolean' },
  },
};

export const orderPayload = definePayload<${n.pascal}Order>('order', orderSchema);

export const orderList = definePayload<{ orders: ${n.pascal}Order[] }>('order list', {
  type: 'object',
  required: ['orders'],
  properties: { orders: { type: 'array', items: orderSchema } },
});

export const fulfillmentAnswer = definePayload<{ fulfillment: { id: string } }>('fulfillment answer', {
  type: 'object',
  required: ['fulfillment'],
  properties: { fulfillment: { type: 'object', required: ['id'], properties: { id: nonEmptyString } } },
});

export const inventoryAnswer = definePayload<{ failed: { sku: string; code: string; message: string }[] }>(
  'inventory answer',
  {
    type: 'object',
    required: ['failed'],
    properties: {
      failed: {
        type: 'array',
        items: {
          type: 'object',
          required: ['sku', 'code', 'message'],
          properties: { sku: nonEmptyString, code: nonEmptyString, message: { type: 'string' } },
        },
      },
    },
  },
);

export function mapOrder(order: ${n.pascal}Order): OrderInput {
  const address = order.shipping_address;
  return {
    sourceOrderId: order.id,
    sourceOrderName: order.name,
    sourceUpdatedAt: order.updated_at,
    placedAt: order.created_at,
    currency: order.currency,
    totalMinor: minorUnits(order.total, order.currency, 'total'),
    email: order.email,
    shippingAddress: address && {
      name: address.name,
      address1: address.address1,
      city: address.city,
      postalCode: address.zip,
      countryCode: address.country_code,
    },
    shippingMethod: null,
    lines: order.lines.map((line) => ({
      sourceLineId: line.id,
      sku: line.sku,
      name: line.name,
      quantity: line.quantity,
      unitPriceMinor: minorUnits(line.price, order.currency, 'lines.price'),
      requiresShipping: true,
    })),
    tags: [],
    note: null,
    test: false,
    readyToFulfill: order.paid && !order.cancelled,
    cancelled: order.cancelled,
  };
}
`;
}

export function storefrontConnectorFile(n: Names): string {
  return `/**
 * The ${n.display} storefront connector. A tracking write is idempotent on our shipment id, which is
 * the fulfillment's reference: a retry after a lost answer gets the fulfillment it already made.
 */
import { NeedsHumanError, readJsonBody, type StorefrontConnector } from '${n.sdk}/index.ts';
import { ${n.camel}Api, unexpected } from './client.ts';
import { type ${n.pascal}Credentials, type ${n.pascal}Settings, manifest } from './manifest.ts';
import { fulfillmentAnswer, inventoryAnswer, mapOrder, orderList, orderPayload } from './mapping.ts';
import { readEnvelope, verify${n.pascal}Webhook } from './webhooks.ts';

const TOPICS = ['order.created', 'order.updated'] as const;
/** Records per poll request; a full page asks for the next one. */
export const PAGE_SIZE = 100;
const MAX_PAGES = 20;

export const ${n.camel}: StorefrontConnector<${n.pascal}Settings, ${n.pascal}Credentials> = {
  manifest,
  verifyWebhook: verify${n.pascal}Webhook,

  parseWebhook(request) {
    const { topic, eventId } = readEnvelope(request, TOPICS);
    const order = orderPayload.fromWebhook(readJsonBody(request.rawBody));
    return { topic, dedupeKey: eventId, serialKey: \`order:\${order.id}\` };
  },

  toEvents(delivery) {
    return [{ type: 'order.upserted', order: mapOrder(orderPayload.fromWebhook(readJsonBody(delivery.rawBody))) }];
  },

  async writeTracking(context, { order, shipment }) {
    const response = await ${n.camel}Api(context)({
      method: 'POST',
      path: \`orders/\${encodeURIComponent(order.sourceOrderId)}/fulfillments\`,
      body: {
        reference: shipment.id,
        lines: shipment.lines.map((line) => ({ line_id: line.sourceLineId, quantity: line.quantity })),
        tracking: shipment.tracking,
      },
    });
    if (response.status === 200 || response.status === 201)
      return { externalId: fulfillmentAnswer.fromResponse(response.body, 'POST /orders/:id/fulfillments').fulfillment.id };
    if (response.status === 404) {
      throw new NeedsHumanError('order_not_found', \`${n.display} has no order \${order.sourceOrderName}\`, {
        sourceOrderId: order.sourceOrderId,
      });
    }
    throw unexpected('POST /orders/:id/fulfillments', response, 'tracking_rejected');
  },

  async publishStock(context, levels) {
    const response = await ${n.camel}Api(context)({ method: 'POST', path: 'inventory', body: { levels } });
    if (response.status !== 200) throw unexpected('POST /inventory', response, 'stock_rejected');
    const { failed } = inventoryAnswer.fromResponse(response.body, 'POST /inventory');
    return { failed: failed.map((item) => ({ ...item, retryable: false })) };
  },

  async pollSince(context, cursor) {
    const orders = [];
    let since = cursor;
    for (let page = 0; page < MAX_PAGES; page++) {
      const response = await ${n.camel}Api(context)({
        method: 'GET',
        path: 'orders',
        query: { updated_since: since ?? undefined, limit: PAGE_SIZE },
      });
      if (response.status !== 200) throw unexpected('GET /orders', response, 'poll_refused');
      const batch = orderList.fromResponse(response.body, 'GET /orders').orders;
      orders.push(...batch);
      // Oldest change first: the last record is the newest, and the cursor never moves back.
      since = batch.at(-1)?.updated_at ?? since;
      if (batch.length < PAGE_SIZE) break;
    }
    return {
      events: orders.map((order) => ({ type: 'order.upserted' as const, order: mapOrder(order) })),
      nextCursor: since === cursor ? null : since,
    };
  },
};
`;
}
