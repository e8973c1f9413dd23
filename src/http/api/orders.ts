import type { FastifyInstance } from 'fastify';
import { ORDER_STATES } from '../../domain/order-state.ts';
import type { Hub } from '../../pipeline/hub.ts';
import { enqueue } from '../../pipeline/jobs.ts';
import { failedDeliveriesOf, hasFailedDelivery } from '../../pipeline/order-deliveries.ts';
import { decideRetry } from '../../pipeline/route/retry-order.ts';
import { errorSchema } from '../errors.ts';
import { decodeCursor, olderThan, pageQuerySchema, toPage } from '../pagination.ts';

const nullableString = { type: ['string', 'null'] } as const;

const orderSummary = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    merchantId: { type: 'string' },
    storefrontConnectionId: { type: 'string' },
    sourceOrderId: { type: 'string' },
    name: { type: 'string' },
    status: { type: 'string' },
    statusReason: nullableString,
    cancelled: { type: 'boolean' },
    currency: { type: 'string' },
    totalMinor: { type: 'integer' },
    test: { type: 'boolean' },
    placedAt: { type: 'string', format: 'date-time' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

const shipmentSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    fulfillmentConnectionId: { type: 'string' },
    status: { type: 'string' },
    statusReason: nullableString,
    externalId: nullableString,
    tracking: {
      type: ['object', 'null'],
      properties: { carrier: nullableString, number: { type: 'string' }, url: nullableString },
    },
    trackingWrittenBack: { type: 'boolean' },
    shippedAt: { type: ['string', 'null'], format: 'date-time' },
    lines: {
      type: 'array',
      items: { type: 'object', properties: { sku: { type: 'string' }, quantity: { type: 'integer' } } },
    },
  },
} as const;

const failedDeliverySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    connectionId: nullableString,
    connector: { type: 'string' },
    source: { type: 'string' },
    topic: nullableString,
    status: { type: 'string', enum: ['failed', 'dead'] },
    attempts: { type: 'integer' },
    lastError: nullableString,
    receivedAt: { type: 'string', format: 'date-time' },
  },
} as const;

const retryAnswer = {
  type: 'object',
  properties: {
    orderId: { type: 'string' },
    outcome: { type: 'string', enum: ['queued', 'already_queued'] },
    action: {
      type: ['string', 'null'],
      enum: ['route_again', 'route', 'submit', 'cancel', 'answer_cancellation', null],
    },
    status: { type: 'string', description: 'The order’s status when asked' },
    message: { type: 'string' },
  },
  required: ['orderId', 'outcome', 'status', 'message'],
} as const;

const orderDetail = {
  type: 'object',
  properties: {
    ...orderSummary.properties,
    statusDetail: { type: ['object', 'null'], additionalProperties: true },
    email: nullableString,
    shippingMethod: nullableString,
    shippingAddress: { type: ['object', 'null'], additionalProperties: true },
    tags: { type: 'array', items: { type: 'string' } },
    note: nullableString,
    lines: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          sourceLineId: { type: 'string' },
          sku: nullableString,
          name: { type: 'string' },
          quantity: { type: 'integer' },
          unitPriceMinor: { type: 'integer' },
          requiresShipping: { type: 'boolean' },
        },
      },
    },
    shipments: { type: 'array', items: shipmentSchema },
    failedDeliveries: {
      type: 'array',
      description:
        'Deliveries about this order (from its storefront) or its shipments (from its 3PLs) that failed or dead-lettered: replay them with POST /api/deliveries/:id/replay',
      items: failedDeliverySchema,
    },
    timeline: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          type: { type: 'string' },
          at: { type: 'string', format: 'date-time' },
          detail: { type: 'object', additionalProperties: true },
        },
      },
    },
  },
} as const;

function summary(row: {
  id: string;
  merchant_id: string;
  storefront_connection_id: string;
  source_order_id: string;
  source_order_name: string;
  status: string;
  status_reason: string | null;
  cancelled: boolean;
  currency: string;
  total_minor: string | number;
  test: boolean;
  placed_at: Date;
  created_at: Date;
  updated_at: Date;
}) {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    storefrontConnectionId: row.storefront_connection_id,
    sourceOrderId: row.source_order_id,
    name: row.source_order_name,
    status: row.status,
    statusReason: row.status_reason,
    cancelled: row.cancelled,
    currency: row.currency,
    totalMinor: Number(row.total_minor),
    test: row.test,
    placedAt: row.placed_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function orderRoutes(app: FastifyInstance, { hub }: { hub: Hub }) {
  app.get<{
    Querystring: {
      status?: string;
      merchantId?: string;
      deliveryFailed?: boolean;
      limit: number;
      cursor?: string;
    };
  }>(
    '/api/orders',
    {
      schema: {
        summary: 'List orders, newest first',
        tags: ['orders'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: [...ORDER_STATES] },
            merchantId: { type: 'string', format: 'uuid' },
            deliveryFailed: {
              type: 'boolean',
              description: 'Only orders with a failed or dead delivery (true), or without one (false)',
            },
            ...pageQuerySchema,
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: orderSummary }, nextCursor: nullableString },
          },
          400: errorSchema,
        },
      },
    },
    async (request) => {
      const { status, merchantId, deliveryFailed, limit, cursor } = request.query;
      const after = decodeCursor(cursor);
      let query = hub.db
        .selectFrom('orders')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1);
      if (status) query = query.where('status', '=', status);
      if (merchantId) query = query.where('merchant_id', '=', merchantId);
      if (deliveryFailed !== undefined)
        query = query.where((eb) => (deliveryFailed ? hasFailedDelivery(eb) : eb.not(hasFailedDelivery(eb))));
      if (after) query = query.where(olderThan('orders', 'created_at', after));
      const { page, nextCursor } = toPage(await query.execute(), limit);
      return {
        items: page.map(summary),
        nextCursor,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/orders/:id',
    {
      schema: {
        summary: 'One order: status, lines, shipments with tracking, timeline',
        tags: ['orders'],
        params: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } }, required: ['id'] },
        response: { 200: orderDetail, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const order = await hub.db
        .selectFrom('orders')
        .selectAll()
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (!order) return reply.status(404).send({ error: 'not_found', message: 'no such order' });
      const [lines, shipments, shipmentLines, events, failedDeliveries] = await Promise.all([
        hub.db
          .selectFrom('order_lines')
          .selectAll()
          .where('order_id', '=', order.id)
          .orderBy('source_line_id')
          .execute(),
        hub.db
          .selectFrom('shipments')
          .selectAll()
          .where('order_id', '=', order.id)
          .orderBy('created_at')
          .execute(),
        hub.db
          .selectFrom('shipment_lines')
          .innerJoin('shipments', 'shipments.id', 'shipment_lines.shipment_id')
          .select(['shipment_lines.shipment_id', 'shipment_lines.sku', 'shipment_lines.quantity'])
          .where('shipments.order_id', '=', order.id)
          .execute(),
        hub.db
          .selectFrom('order_events')
          .selectAll()
          .where('order_id', '=', order.id)
          .orderBy('id')
          .execute(),
        failedDeliveriesOf(hub.db, order),
      ]);
      return {
        ...summary(order),
        statusDetail: order.status_detail,
        email: order.email,
        shippingMethod: order.shipping_method,
        shippingAddress: order.shipping_address,
        tags: order.tags,
        note: order.note,
        lines: lines.map((l) => ({
          id: l.id,
          sourceLineId: l.source_line_id,
          sku: l.sku,
          name: l.name,
          quantity: l.quantity,
          unitPriceMinor: Number(l.unit_price_minor),
          requiresShipping: l.requires_shipping,
        })),
        shipments: shipments.map((s) => ({
          id: s.id,
          fulfillmentConnectionId: s.fulfillment_connection_id,
          status: s.status,
          statusReason: s.status_reason,
          externalId: s.external_id,
          tracking: s.tracking_number
            ? { carrier: s.carrier, number: s.tracking_number, url: s.tracking_url }
            : null,
          trackingWrittenBack:
            s.tracking_written_number !== null && s.tracking_written_number === s.tracking_number,
          shippedAt: s.shipped_at ? s.shipped_at.toISOString() : null,
          lines: shipmentLines
            .filter((l) => l.shipment_id === s.id)
            .map((l) => ({ sku: l.sku, quantity: l.quantity })),
        })),
        failedDeliveries: failedDeliveries.map((d) => ({
          id: d.id,
          connectionId: d.connection_id,
          connector: d.connector,
          source: d.source,
          topic: d.topic,
          status: d.status,
          attempts: d.attempts,
          lastError: d.last_error,
          receivedAt: d.received_at.toISOString(),
        })),
        timeline: events.map((e) => ({ type: e.type, at: e.created_at.toISOString(), detail: e.detail })),
      };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/orders/:id/retry',
    {
      schema: {
        summary: 'Route a held order again (after its cause was fixed)',
        description:
          '202 `queued` with the `action` taken: `route_again` (a held order with nothing at a 3PL is routed from the start), `route` (a received order), `submit` (shipments not yet at a 3PL are sent again), `cancel` (a cancellation not yet carried out), `answer_cancellation`. 200 `already_queued`: a retry is waiting or running. 409 `nothing_to_retry` or `not_ready`, with the reason: nothing is queued.',
        tags: ['orders'],
        params: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } }, required: ['id'] },
        response: {
          200: retryAnswer,
          202: retryAnswer,
          404: errorSchema,
          409: {
            type: 'object',
            properties: { ...errorSchema.properties, status: { type: 'string' } },
            required: ['error', 'message', 'status'],
          },
        },
      },
    },
    async (request, reply) => {
      const order = await hub.db
        .selectFrom('orders')
        .select(['id', 'status', 'cancelled', 'ready_to_fulfill', 'cancellation_requested'])
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (!order) return reply.status(404).send({ error: 'not_found', message: 'no such order' });
      const shipments = await hub.db
        .selectFrom('shipments')
        .select('status')
        .where('order_id', '=', order.id)
        .execute();
      const decision = decideRetry(
        order,
        shipments.map((s) => s.status),
      );
      if (decision.kind === 'refused') {
        return reply
          .status(409)
          .send({ error: decision.reason, message: decision.message, status: order.status });
      }
      const waiting = await hub.boss.findJobs('advance-order', { key: order.id, queued: true });
      if (waiting.some((job) => job.state === 'created')) {
        return reply.status(200).send({
          orderId: order.id,
          outcome: 'already_queued',
          action: decision.action,
          status: order.status,
          message: 'a retry of this order is already waiting to run',
        });
      }
      await enqueue(hub.boss, 'advance-order', { orderId: order.id }, { serialKey: order.id });
      return reply.status(202).send({
        orderId: order.id,
        outcome: 'queued',
        action: decision.action,
        status: order.status,
        message: decision.message,
      });
    },
  );
}
