import type { FastifyInstance } from 'fastify';
import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../../db/types.ts';
import { ORDER_STATES } from '../../domain/order-state.ts';
import { findDeferredOperations } from '../../pipeline/deferrals.ts';
import type { Hub } from '../../pipeline/hub.ts';
import { enqueue } from '../../pipeline/jobs.ts';
import { failedDeliveriesOf, hasFailedDelivery } from '../../pipeline/order-deliveries.ts';
import { releaseWithoutUnidentified } from '../../pipeline/route/release-lines.ts';
import { decideRetry } from '../../pipeline/route/retry-order.ts';
import { findUnwrittenTracking, requeueTrackingWriteback } from '../../pipeline/writeback/write-tracking.ts';
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
    /** Lines waiting to be identified: with the whole order on hold, or as a held part. */
    heldLines: { type: 'integer' },
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
    writebackStuck: {
      description:
        'Set while the storefront keeps deferring the tracking write-back (a throttle, a cost bucket too small): why, how often, since when, and whether it was dead-lettered (retry the order to write it again)',
      type: ['object', 'null'],
      properties: {
        code: { type: 'string' },
        reason: { type: 'string' },
        deferrals: { type: 'integer' },
        since: { type: 'string', format: 'date-time' },
        lastDeferredAt: { type: 'string', format: 'date-time' },
        deadLettered: { type: 'boolean' },
      },
    },
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
          sourceProductId: nullableString,
          sourceVariantId: nullableString,
          /** Why the line is in no shipment: held, skipped, excluded, do_not_ship; null otherwise. */
          disposition: nullableString,
          dispositionDetail: { type: ['object', 'null'], additionalProperties: true },
        },
      },
    },
    heldPart: {
      description: 'Lines that wait, as a pending part, while the rest of the order ships',
      type: ['object', 'null'],
      properties: {
        lineIds: { type: 'array', items: { type: 'string' } },
        messages: { type: 'array', items: { type: 'string' } },
        actions: { type: 'array', items: { type: 'object', additionalProperties: true } },
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
  held_lines?: string | number | bigint | null;
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
    // A cancelled order waits for nothing.
    heldLines: row.status === 'cancelled' ? 0 : Number(row.held_lines ?? 0),
    cancelled: row.cancelled,
    currency: row.currency,
    totalMinor: Number(row.total_minor),
    test: row.test,
    placedAt: row.placed_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The write-backs of these shipments that are past the stuck threshold, by shipment. */
async function stuckWritebacks(hub: Hub, shipmentIds: string[]) {
  const deferred = await findDeferredOperations(hub.db, 'write-tracking', shipmentIds);
  return new Map(
    deferred
      .filter((operation) => operation.stuck)
      .map((operation) => [
        operation.subject,
        {
          code: operation.code,
          reason: operation.reason,
          deferrals: operation.deferrals,
          since: operation.firstDeferredAt.toISOString(),
          lastDeferredAt: operation.lastDeferredAt.toISOString(),
          deadLettered: operation.deadLettered,
        },
      ]),
  );
}

export async function orderRoutes(app: FastifyInstance, { hub }: { hub: Hub }) {
  app.get<{
    Querystring: {
      status?: string;
      merchantId?: string;
      held?: boolean;
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
            held: {
              type: 'boolean',
              description: 'Only orders with lines waiting to be identified (whole order or a held part)',
            },
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
      const { status, merchantId, held, deliveryFailed, limit, cursor } = request.query;
      const after = decodeCursor(cursor);
      const heldLines = (eb: ExpressionBuilder<Database, 'orders'>) =>
        eb
          .selectFrom('order_lines')
          .whereRef('order_lines.order_id', '=', 'orders.id')
          .where('order_lines.disposition', '=', 'held');
      let query = hub.db
        .selectFrom('orders')
        .selectAll()
        .select((eb) =>
          heldLines(eb)
            .select((inner) => inner.fn.countAll().as('n'))
            .as('held_lines'),
        )
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1);
      if (status) query = query.where('status', '=', status);
      if (merchantId) query = query.where('merchant_id', '=', merchantId);
      if (held !== undefined) {
        query = query.where((eb) => {
          const waiting = eb.and([
            eb('orders.status', '!=', 'cancelled'),
            eb.exists(heldLines(eb).select('order_lines.id')),
          ]);
          return held ? waiting : eb.not(waiting);
        });
      }
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
      const heldPart = lines.filter(
        (l) => l.disposition === 'held' && (l.disposition_detail as { part?: boolean } | null)?.part,
      );
      const stuck = await stuckWritebacks(
        hub,
        shipments.map((s) => s.id),
      );
      return {
        ...summary({ ...order, held_lines: lines.filter((l) => l.disposition === 'held').length }),
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
          sourceProductId: l.source_product_id,
          sourceVariantId: l.source_variant_id,
          disposition: l.disposition,
          dispositionDetail: l.disposition_detail,
        })),
        heldPart: heldPart.length
          ? {
              lineIds: heldPart.map((l) => l.id),
              messages: heldPart.map((l) => String(l.disposition_detail?.message ?? '')),
              actions: uniqueActions(
                heldPart.flatMap((l) => (l.disposition_detail?.actions as unknown[]) ?? []),
              ),
            }
          : null,
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
          writebackStuck: stuck.get(s.id) ?? null,
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
        .select(['id', 'status', 'status_reason', 'cancelled', 'ready_to_fulfill', 'cancellation_requested'])
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (!order) return reply.status(404).send({ error: 'not_found', message: 'no such order' });
      const shipments = await hub.db
        .selectFrom('shipments')
        .select('status')
        .where('order_id', '=', order.id)
        .execute();
      // Tracking whose write-back is queued or running is on its way, not something to retry, unless
      // that write-back is stuck or was given up on (a remote that keeps deferring).
      const unwrittenIds = await findUnwrittenTracking(hub, order.id);
      const writing = await hub.boss.findJobs('write-tracking', { key: `order:${order.id}` });
      const inFlight = writing.some((job) => ['created', 'retry', 'active'].includes(job.state));
      const givenUp = new Set(
        (await findDeferredOperations(hub.db, 'write-tracking', unwrittenIds))
          .filter((operation) => operation.stuck || operation.deadLettered)
          .map((operation) => operation.subject),
      );
      const unwritten = unwrittenIds.filter((id) => !inFlight || givenUp.has(id));
      const decision = decideRetry(
        order,
        shipments.map((s) => s.status),
        unwritten.length,
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
      // A shipped order's tracking that was never written (dead-lettered, say) is written again.
      await requeueTrackingWriteback(hub, order.id);
      return reply.status(202).send({
        orderId: order.id,
        outcome: 'queued',
        action: decision.action,
        status: order.status,
        message: decision.message,
      });
    },
  );

  app.post<{ Params: { id: string }; Body: { excludeUnidentifiedLines: true } }>(
    '/api/orders/:id/release',
    {
      schema: {
        summary: 'Release an order without the lines the 3PL cannot identify',
        description:
          'A held order is routed again without those lines; a held part is closed (the order is complete once the rest has shipped). The lines stay on the order, marked excluded, and are never sent. To ship them instead, map them in the SKU map: held orders are routed again by themselves.',
        tags: ['orders'],
        params: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } }, required: ['id'] },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['excludeUnidentifiedLines'],
          properties: { excludeUnidentifiedLines: { const: true } },
        },
        response: {
          200: releaseSchema,
          202: releaseSchema,
          400: errorSchema,
          404: errorSchema,
          409: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const result = await releaseWithoutUnidentified(hub, request.params.id);
      if (result.outcome === 'not_found') {
        return reply.status(404).send({ error: 'not_found', message: 'no such order' });
      }
      if (result.outcome === 'refused') {
        return reply.status(409).send({ error: result.reason, message: result.message });
      }
      return reply.status(result.outcome === 'queued' ? 202 : 200).send({
        orderId: request.params.id,
        outcome: result.outcome,
        status: result.status,
        excludedLines: result.excludedLines,
      });
    },
  );
}

const releaseSchema = {
  type: 'object',
  properties: {
    orderId: { type: 'string' },
    /** queued: routed again shortly without the lines; released: the held part is closed. */
    outcome: { type: 'string', enum: ['queued', 'released'] },
    status: { type: 'string' },
    excludedLines: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          sourceLineId: { type: 'string' },
          name: { type: 'string' },
          sku: nullableString,
        },
      },
    },
  },
} as const;

function uniqueActions(actions: unknown[]): unknown[] {
  const seen = new Set<string>();
  return actions.filter((action) => {
    const key = JSON.stringify(action);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
