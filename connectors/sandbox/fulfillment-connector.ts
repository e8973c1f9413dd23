/**
 * The hub's side of the sandbox 3PL. Read this file as the example of a fulfillment connector:
 * above all `submitShipment`, which must never create a second remote order for one shipment even
 * when a response is lost and the hub retries.
 */
import {
  type CanonicalEvent,
  defineFulfillment,
  defineManifest,
  type HttpClient,
  NeedsHumanError,
  RetryableError,
  refuseUnlessCanonical,
  STOCK_SERIAL_KEY,
  type SubmittedShipment,
  shipmentSerialKey,
} from '../../src/sdk/index.ts';
import { unexpectedResponse } from './api-errors.ts';
import {
  createOrderBody,
  locationOf,
  shipmentUpdated,
  stockLevels,
  stockLevelsOfAnswer,
  storableLevels,
} from './map-three-pl.ts';
import { readJsonBody } from './payload-validation.ts';
import { collectChangedSince } from './poll-pages.ts';
import { credentialsSchema, sandboxApi, settingsSchema } from './sandbox-connection.ts';
import { readEventId, readTopic, readTopicHeader, verifySandboxSignature } from './sandbox-webhooks.ts';
import {
  errorResponse,
  locationsResponse,
  orderListResponse,
  orderResponse,
  shipmentEvent,
  stockEvent,
  stockResponse,
  type ThreePlOrderPayload,
} from './three-pl-payloads.ts';

const TOPICS = ['shipment.shipped', 'shipment.delivered', 'stock.changed'] as const;
type Topic = (typeof TOPICS)[number];

/** The webhook body, checked against the schema of its topic. */
function readEvent(topic: Topic, rawBody: Buffer) {
  const body = readJsonBody(rawBody);
  return topic === 'stock.changed'
    ? ({ kind: 'stock', event: stockEvent.fromWebhook(body) } as const)
    : ({ kind: 'shipment', event: shipmentEvent.fromWebhook(body) } as const);
}

/** A webhook as canonical events; pure, so the door maps it as the apply job will. */
function eventsOf(read: ReturnType<typeof readEvent>): CanonicalEvent[] {
  if (read.kind === 'stock') {
    return [{ type: 'stock.changed', levels: stockLevels(read.event), occurredAt: read.event.occurred_at }];
  }
  return [shipmentUpdated(read.event.order, read.event.occurred_at)];
}

/**
 * The create was refused as a duplicate, so an earlier attempt did create the order (its response
 * was lost): find it by our reference and carry on as if that attempt had succeeded.
 */
async function findByReference(api: HttpClient, reference: string): Promise<SubmittedShipment | null> {
  const response = await api({ method: 'GET', path: 'v1/orders', query: { reference } });
  if (response.status !== 200) throw unexpectedResponse('GET /v1/orders?reference', response, '3pl_rejected');
  const { orders } = orderListResponse.fromResponse(response.body, 'GET /v1/orders?reference');
  const order = orders.find((candidate) => candidate.reference === reference);
  return order ? { externalId: order.id, status: 'accepted' } : null;
}

async function existingOrder(api: HttpClient, reference: string): Promise<SubmittedShipment> {
  const order = await findByReference(api, reference);
  if (!order) {
    // Refused as a duplicate yet not found: the 3PL is inconsistent for now; ask again later.
    throw new RetryableError(
      'duplicate_not_found',
      `the 3PL reports ${reference} as a duplicate but lists no such order`,
      {
        reference,
      },
    );
  }
  return order;
}

/** Shipments the hub should hear about: shipped (with tracking), delivered, or cancelled. */
function hasNews(order: ThreePlOrderPayload): boolean {
  return order.shipment !== null || order.status === 'cancelled';
}

/** The settings and credentials types every method below receives come from these two schemas. */
const manifest = defineManifest({
  name: 'sandbox-3pl',
  displayName: 'Sandbox 3PL',
  role: 'fulfillment',
  settings: settingsSchema,
  credentials: credentialsSchema,
  rateLimit: { concurrency: 4, intervalMs: 1000, intervalCap: 100 },
  webhookHeaders: { secret: ['x-sandbox-signature'], topic: 'x-sandbox-topic' },
});

export const sandbox3pl = defineFulfillment(manifest, {
  verifyWebhook: verifySandboxSignature,

  parseWebhook(request) {
    const topic = readTopicHeader(request, TOPICS);
    const dedupeKey = readEventId(request);
    const read = readEvent(topic, request.rawBody);
    refuseUnlessCanonical(eventsOf(read));
    // Updates about one shipment are applied in order; stock levels are absolute, so one key will do.
    const serialKey =
      read.kind === 'stock' ? STOCK_SERIAL_KEY : shipmentSerialKey(read.event.order.reference);
    return { topic, dedupeKey, serialKey };
  },

  toEvents(delivery) {
    return eventsOf(readEvent(readTopic(delivery.topic, TOPICS), delivery.rawBody));
  },

  async submitShipment(context, request) {
    const api = sandboxApi(context);
    const response = await api({ method: 'POST', path: 'v1/orders', body: createOrderBody(request) });
    if (response.status === 201) {
      const { order } = orderResponse.fromResponse(response.body, 'POST /v1/orders');
      return { externalId: order.id, status: 'accepted' };
    }
    if (response.status === 409 || response.status === 422) {
      const refusal = errorResponse.fromResponse(response.body, 'POST /v1/orders');
      if (refusal.error === 'duplicate_reference') return existingOrder(api, request.reference);
      if (refusal.error === 'unknown_sku') {
        const skus = refusal.skus ?? [];
        throw new NeedsHumanError('unknown_sku', `the 3PL does not stock ${skus.join(', ') || 'a SKU'}`, {
          reference: request.reference,
          skus,
        });
      }
      if (refusal.error === 'rejected') {
        throw new NeedsHumanError('3pl_rejected', refusal.reason ?? 'the 3PL rejected the order', {
          reference: request.reference,
          reason: refusal.reason ?? null,
        });
      }
    }
    throw unexpectedResponse('POST /v1/orders', response, '3pl_rejected');
  },

  async findShipment(context, reference) {
    return findByReference(sandboxApi(context), reference);
  },

  async cancelShipment(context, shipment) {
    const path = `v1/orders/${encodeURIComponent(shipment.externalId)}/cancel`;
    const response = await sandboxApi(context)({ method: 'POST', path });
    if (response.status === 200) {
      orderResponse.fromResponse(response.body, 'POST /v1/orders/:id/cancel');
      return { outcome: 'cancelled', reason: null };
    }
    if (response.status === 409) {
      // Too late: the parcel has left. Not an error; the hub records the refusal.
      const refusal = errorResponse.fromResponse(response.body, 'POST /v1/orders/:id/cancel');
      return { outcome: 'refused', reason: refusal.error };
    }
    if (response.status === 404) {
      throw new NeedsHumanError('3pl_order_not_found', `the 3PL has no order ${shipment.externalId}`, {
        reference: shipment.reference,
        externalId: shipment.externalId,
      });
    }
    throw unexpectedResponse('POST /v1/orders/:id/cancel', response, 'cancel_rejected');
  },

  async fetchStock(context) {
    const response = await sandboxApi(context)({ method: 'GET', path: 'v1/stock' });
    if (response.status !== 200) throw unexpectedResponse('GET /v1/stock', response, 'stock_rejected');
    const { levels, refused } = storableLevels(
      stockLevelsOfAnswer(stockResponse.fromResponse(response.body, 'GET /v1/stock')),
    );
    if (refused.length > 0)
      context.log.warn({ skus: refused }, 'stock counts beyond what the hub holds left out');
    return levels;
  },

  async listLocations(context) {
    const response = await sandboxApi(context)({ method: 'GET', path: 'v1/locations' });
    if (response.status !== 200)
      throw unexpectedResponse('GET /v1/locations', response, 'locations_rejected');
    return locationsResponse.fromResponse(response.body, 'GET /v1/locations').locations.map(locationOf);
  },

  async pollSince(context, cursor) {
    const api = sandboxApi(context);
    const { records, nextCursor } = await collectChangedSince(async (updatedSince, limit) => {
      const response = await api({
        method: 'GET',
        path: 'v1/orders',
        query: { updated_since: updatedSince ?? undefined, limit },
      });
      if (response.status !== 200) throw unexpectedResponse('GET /v1/orders', response, 'poll_rejected');
      return orderListResponse.fromResponse(response.body, 'GET /v1/orders').orders;
    }, cursor);
    return {
      events: records.filter(hasNews).map((order) => shipmentUpdated(order, order.updated_at)),
      nextCursor,
    };
  },
});
