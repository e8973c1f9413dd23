/**
 * The files of a scaffolded 3PL connector: its payloads and mapping, and the contract's
 * operations. Its tests are in `fulfillment-test-templates.ts`.
 */
import type { Names } from './names.ts';

export function fulfillmentMappingFile(n: Names): string {
  return `/**
 * ${n.display}'s payloads, each schema beside the type it guarantees, and what they mean in canonical
 * terms. Write the schemas from ${n.display}'s documentation: a connector never sees the far side's code.
 */
import {
  type CanonicalEvent,
  definePayload,
  nonEmptyString,
  nullableString,
  type ShipmentRequest,
  type StockLevel,
  stockCount,
  timestamp,
} from '${n.sdk}/index.ts';

export interface ${n.pascal}Order {
  id: string;
  reference: string;
  status: 'accepted' | 'shipped' | 'delivered' | 'cancelled';
  updated_at: string;
  tracking: { carrier: string | null; number: string; url: string | null } | null;
}

const orderSchema = {
  type: 'object',
  required: ['id', 'reference', 'status', 'updated_at', 'tracking'],
  properties: {
    id: nonEmptyString,
    reference: nonEmptyString,
    status: { enum: ['accepted', 'shipped', 'delivered', 'cancelled'] },
    updated_at: timestamp,
    tracking: {
      type: ['object', 'null'],
      required: ['carrier', 'number', 'url'],
      properties: { carrier: nullableString, number: nonEmptyString, url: nullableString },
    },
  },
};

export const orderAnswer = definePayload<{ order: ${n.pascal}Order }>('order answer', {
  type: 'object',
  required: ['order'],
  properties: { order: orderSchema },
});

export const orderList = definePayload<{ orders: ${n.pascal}Order[] }>('order list', {
  type: 'object',
  required: ['orders'],
  properties: { orders: { type: 'array', items: orderSchema } },
});

export const stockAnswer = definePayload<{ location: string; levels: { sku: string; available: number }[] }>(
  'stock answer',
  {
    type: 'object',
    required: ['location', 'levels'],
    properties: {
      location: nonEmptyString,
      levels: {
        type: 'array',
        items: {
          type: 'object',
          required: ['sku', 'available'],
          properties: { sku: nonEmptyString, available: stockCount },
        },
      },
    },
  },
);

/** Our shipment id is ${n.display}'s reference: its idempotency key. */
export function createOrderBody(request: ShipmentRequest) {
  return {
    reference: request.reference,
    order_number: request.orderName,
    email: request.email,
    ship_to: request.shipTo,
    shipping_method: request.shippingMethod,
    lines: request.lines,
  };
}

export function shipmentUpdated(order: ${n.pascal}Order): CanonicalEvent {
  return {
    type: 'shipment.updated',
    reference: order.reference,
    externalId: order.id,
    status: order.status,
    tracking: order.tracking,
    reason: null,
    occurredAt: order.updated_at,
  };
}

export function stockLevels(answer: ReturnType<typeof stockAnswer.fromResponse>): StockLevel[] {
  return answer.levels.map((level) => ({ ...level, location: answer.location }));
}
`;
}

export function fulfillmentConnectorFile(n: Names): string {
  return `/**
 * The ${n.display} 3PL connector. Submitting is idempotent on our reference: a create refused as a
 * duplicate (409) is answered with the order an earlier attempt made, so a retry after a lost
 * answer binds that order and never makes a second one.
 */
import { type FulfillmentConnector, readJsonBody } from '${n.sdk}/index.ts';
import { ${n.camel}Api, unexpected } from './client.ts';
import { type ${n.pascal}Context, type ${n.pascal}Credentials, type ${n.pascal}Settings, manifest } from './manifest.ts';
import { createOrderBody, orderAnswer, orderList, shipmentUpdated, stockAnswer, stockLevels } from './mapping.ts';
import { readEnvelope, verify${n.pascal}Webhook } from './webhooks.ts';

const TOPICS = ['shipment.updated'] as const;
/** Records per poll request; a full page asks for the next one. */
export const PAGE_SIZE = 100;
const MAX_PAGES = 20;

async function findByReference(context: ${n.pascal}Context, reference: string) {
  const response = await ${n.camel}Api(context)({ method: 'GET', path: 'orders', query: { reference } });
  if (response.status !== 200) throw unexpected('GET /orders?reference', response, 'lookup_refused');
  const order = orderList.fromResponse(response.body, 'GET /orders').orders.find((o) => o.reference === reference);
  return order ? { externalId: order.id, status: 'accepted' as const } : null;
}

export const ${n.camel}: FulfillmentConnector<${n.pascal}Settings, ${n.pascal}Credentials> = {
  manifest,
  verifyWebhook: verify${n.pascal}Webhook,

  parseWebhook(request) {
    const { topic, eventId } = readEnvelope(request, TOPICS);
    const { order } = orderAnswer.fromWebhook(readJsonBody(request.rawBody));
    return { topic, dedupeKey: eventId, serialKey: \`shipment:\${order.reference}\` };
  },

  toEvents(delivery) {
    return [shipmentUpdated(orderAnswer.fromWebhook(readJsonBody(delivery.rawBody)).order)];
  },

  async submitShipment(context, request) {
    const response = await ${n.camel}Api(context)({ method: 'POST', path: 'orders', body: createOrderBody(request) });
    if (response.status === 201) {
      return { externalId: orderAnswer.fromResponse(response.body, 'POST /orders').order.id, status: 'accepted' };
    }
    if (response.status === 409) {
      const existing = await findByReference(context, request.reference);
      if (existing) return existing;
    }
    throw unexpected('POST /orders', response, '3pl_rejected');
  },

  findShipment: findByReference,

  async cancelShipment(context, shipment) {
    const path = \`orders/\${encodeURIComponent(shipment.externalId)}/cancel\`;
    const response = await ${n.camel}Api(context)({ method: 'POST', path });
    if (response.status === 200) return { outcome: 'cancelled', reason: null };
    // Too late (the parcel left): an answer for the hub to record, not an error.
    if (response.status === 409) return { outcome: 'refused', reason: 'already shipped' };
    throw unexpected('POST /orders/:id/cancel', response, 'cancel_rejected');
  },

  async fetchStock(context) {
    const response = await ${n.camel}Api(context)({ method: 'GET', path: 'stock' });
    if (response.status !== 200) throw unexpected('GET /stock', response, 'stock_refused');
    return stockLevels(stockAnswer.fromResponse(response.body, 'GET /stock'));
  },

  async pollSince(context, cursor) {
    const events = [];
    let since = cursor;
    for (let page = 0; page < MAX_PAGES; page++) {
      const response = await ${n.camel}Api(context)({
        method: 'GET',
        path: 'orders',
        query: { updated_since: since ?? undefined, limit: PAGE_SIZE },
      });
      if (response.status !== 200) throw unexpected('GET /orders', response, 'poll_refused');
      const { orders } = orderList.fromResponse(response.body, 'GET /orders');
      events.push(...orders.map(shipmentUpdated));
      // Oldest change first: the last record is the newest, and the cursor never moves back.
      since = orders.at(-1)?.updated_at ?? since;
      if (orders.length < PAGE_SIZE) break;
    }
    return { events, nextCursor: since === cursor ? null : since };
  },
};
`;
}
