/**
 * The hub's side of the sandbox storefront. Read this file top to bottom as the example of a
 * storefront connector: the manifest, the three webhook steps (verify, parse, map), the two
 * write-backs (tracking, stock) and reconciliation by polling.
 */
import {
  type CanonicalEvent,
  defineManifest,
  defineStorefront,
  NeedsHumanError,
  orderEventsOrInvalid,
  orderSerialKey,
  refuseUnlessCanonical,
  type StockItemFailure,
} from '../../src/sdk/index.ts';
import { unexpectedResponse } from './api-errors.ts';
import { mapStorefrontOrder } from './map-storefront-order.ts';
import { readJsonBody } from './payload-validation.ts';
import { collectChangedSince } from './poll-pages.ts';
import { credentialsSchema, type SandboxContext, sandboxApi, settingsSchema } from './sandbox-connection.ts';
import { readEventId, readTopic, readTopicHeader, verifySandboxSignature } from './sandbox-webhooks.ts';
import {
  fulfillmentResponse,
  inventorySetResponse,
  orderListResponse,
  type StorefrontOrderPayload,
  storefrontOrder,
} from './storefront-payloads.ts';

const ORDER_TOPICS = ['orders/create', 'orders/updated', 'orders/cancelled'] as const;

/** The inventory endpoint takes at most this many levels per call. */
const INVENTORY_BATCH = 250;

function readOrder(rawBody: Buffer): StorefrontOrderPayload {
  return storefrontOrder.fromWebhook(readJsonBody(rawBody));
}

/** An `orders/*` delivery as canonical events; pure, so the door maps it as the apply job will. */
function orderEvents(topic: (typeof ORDER_TOPICS)[number], order: StorefrontOrderPayload): CanonicalEvent[] {
  if (topic === 'orders/cancelled') {
    return [{ type: 'order.cancelled', sourceOrderId: order.id, sourceUpdatedAt: order.updated_at }];
  }
  return [{ type: 'order.upserted', order: mapStorefrontOrder(order) }];
}

async function fetchOrdersPage(
  context: SandboxContext,
  updatedSince: string | null,
  limit: number,
): Promise<StorefrontOrderPayload[]> {
  const response = await sandboxApi(context)({
    method: 'GET',
    path: 'api/orders',
    query: { updated_since: updatedSince ?? undefined, limit },
  });
  if (response.status !== 200) throw unexpectedResponse('GET /api/orders', response, 'poll_rejected');
  return orderListResponse.fromResponse(response.body, 'GET /api/orders').orders;
}

/** The settings and credentials types every method below receives come from these two schemas. */
const manifest = defineManifest({
  name: 'sandbox-storefront',
  displayName: 'Sandbox storefront',
  role: 'storefront',
  settings: settingsSchema,
  credentials: credentialsSchema,
  rateLimit: { concurrency: 8, intervalMs: 1000, intervalCap: 200 },
  webhookHeaders: { secret: ['x-sandbox-signature'], topic: 'x-sandbox-topic' },
});

export const sandboxStorefront = defineStorefront(manifest, {
  verifyWebhook: verifySandboxSignature,

  // Runs while the storefront waits for an answer: read only what the hub needs to store the
  // delivery, but check the whole body so that an unreadable one is refused now (400), not
  // discovered later by the apply job.
  parseWebhook(request) {
    const topic = readTopicHeader(request, ORDER_TOPICS);
    const dedupeKey = readEventId(request);
    const order = readOrder(request.rawBody);
    // A quantity or amount the hub cannot hold is refused now (400, the field named), not in a job.
    refuseUnlessCanonical(orderEvents(topic, order));
    return { topic, dedupeKey, serialKey: orderSerialKey(order.id) };
  },

  // Runs in the apply job, possibly long after the delivery: everything comes from the stored
  // topic and bytes, nothing from the moment it arrived.
  toEvents(delivery): CanonicalEvent[] {
    return orderEvents(readTopic(delivery.topic, ORDER_TOPICS), readOrder(delivery.rawBody));
  },

  async writeTracking(context, { order, shipment }) {
    const path = `api/orders/${encodeURIComponent(order.sourceOrderId)}/fulfillments`;
    const response = await sandboxApi(context)({
      method: 'POST',
      path,
      body: {
        // Our shipment id is the idempotency key: a retry after a lost response finds the
        // fulfillment it already created (200) instead of creating a second one.
        reference: shipment.id,
        line_items: shipment.lines.map((line) => ({ id: line.sourceLineId, quantity: line.quantity })),
        tracking: {
          carrier: shipment.tracking.carrier,
          number: shipment.tracking.number,
          url: shipment.tracking.url,
        },
      },
    });
    if (response.status === 200 || response.status === 201) {
      const { fulfillment } = fulfillmentResponse.fromResponse(
        response.body,
        'POST /api/orders/:id/fulfillments',
      );
      return { externalId: fulfillment.id };
    }
    if (response.status === 404) {
      throw new NeedsHumanError('order_not_found', `the storefront has no order ${order.sourceOrderName}`, {
        sourceOrderId: order.sourceOrderId,
        shipmentId: shipment.id,
      });
    }
    throw unexpectedResponse('POST /api/orders/:id/fulfillments', response, 'tracking_rejected');
  },

  // A batch answers 200 with the items it refused: those are reported, the rest counts as set.
  async publishStock(context, levels) {
    const api = sandboxApi(context);
    const failed: StockItemFailure[] = [];
    for (let start = 0; start < levels.length; start += INVENTORY_BATCH) {
      const batch = levels.slice(start, start + INVENTORY_BATCH);
      const response = await api({
        method: 'POST',
        path: 'api/inventory/set',
        body: { levels: batch.map(({ sku, available }) => ({ sku, available })) },
      });
      if (response.status !== 200)
        throw unexpectedResponse('POST /api/inventory/set', response, 'stock_rejected');
      const answer = inventorySetResponse.fromResponse(response.body, 'POST /api/inventory/set');
      const sent = new Set(batch.map((level) => level.sku));
      for (const error of answer.errors ?? []) {
        if (sent.has(error.sku))
          failed.push({ sku: error.sku, code: error.code, message: error.message, retryable: false });
      }
    }
    return { failed };
  },

  // A cancelled order comes back as an upsert with `cancelled: true`, which is all the hub needs.
  async pollSince(context, cursor) {
    const { records, nextCursor } = await collectChangedSince(
      (updatedSince, limit) => fetchOrdersPage(context, updatedSince, limit),
      cursor,
    );
    return {
      // What the storefront cannot be refused is held at the hub with its reason (order.invalid).
      events: records.flatMap((order) =>
        orderEventsOrInvalid(
          { sourceOrderId: order.id, sourceOrderName: order.name, sourceUpdatedAt: order.updated_at },
          () => [{ type: 'order.upserted', order: mapStorefrontOrder(order) }],
        ),
      ),
      nextCursor,
    };
  },
});
