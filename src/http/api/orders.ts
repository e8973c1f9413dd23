import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ORDER_STATES } from '../../domain/order-state.ts';
import { findDeferredOperations } from '../../pipeline/deferrals.ts';
import type { Hub } from '../../pipeline/hub.ts';
import { enqueue } from '../../pipeline/jobs.ts';
import { holdSummary, placeManualHold, releaseHolds } from '../../pipeline/route/order-holds.ts';
import { releaseWithoutUnidentified } from '../../pipeline/route/release-lines.ts';
import { decideRetry } from '../../pipeline/route/retry-order.ts';
import { findUnwrittenTracking, requeueTrackingWriteback } from '../../pipeline/writeback/write-tracking.ts';
import { orderQueries } from '../../queries/orders.ts';
import { errorSchema } from '../errors.ts';
import { pageQuerySchema } from '../pagination.ts';
import { actorOf, scopeOf } from '../scope.ts';
import {
  holdAnswer,
  holdBody,
  orderDetail,
  orderSummary,
  releaseAnswer,
  releaseBody,
  retryAnswer,
  retryRefusal,
} from './order-schemas.ts';
import { orderDetailView, orderSummaryView } from './order-views.ts';
import { IdParams, NullableString, Uuid } from './schema-kit.ts';

const noSuchOrder = { error: 'not_found', message: 'no such order' };

export const orderRoutes: FastifyPluginAsyncTypebox<{ hub: Hub }> = async (app, { hub }) => {
  const orders = orderQueries(hub.db);

  app.get(
    '/api/orders',
    {
      schema: {
        summary: 'List orders, newest first',
        tags: ['orders'],
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Enum(ORDER_STATES)),
            merchantId: Type.Optional(Uuid),
            held: Type.Optional(
              Type.Boolean({
                description: 'Only orders with lines waiting to be identified (whole order or a held part)',
              }),
            ),
            deliveryFailed: Type.Optional(
              Type.Boolean({
                description: 'Only orders with a failed or dead delivery (true), or without one (false)',
              }),
            ),
            ...pageQuerySchema,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(orderSummary), nextCursor: NullableString }),
          400: errorSchema,
        },
      },
    },
    async (request) => {
      const { page, nextCursor } = await orders.list(scopeOf(request), request.query);
      return { items: page.map(orderSummaryView), nextCursor };
    },
  );

  app.get(
    '/api/orders/:id',
    {
      schema: {
        summary: 'One order: status, lines, shipments with tracking, timeline',
        tags: ['orders'],
        params: IdParams,
        response: { 200: orderDetail, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const detail = await orders.detail(scopeOf(request), request.params.id);
      if (!detail) return reply.status(404).send(noSuchOrder);
      return orderDetailView(hub.db, detail);
    },
  );

  app.post(
    '/api/orders/:id/retry',
    {
      schema: {
        summary: 'Route a held order again (after its cause was fixed)',
        description:
          '202 `queued` with the `action` taken: `route_again` (a held order with nothing at a 3PL is routed from the start), `route` (a received order), `submit` (shipments not yet at a 3PL are sent again), `cancel` (a cancellation not yet carried out), `answer_cancellation`. 200 `already_queued`: a retry is waiting or running. 409 `nothing_to_retry` or `not_ready`, with the reason: nothing is queued.',
        tags: ['orders'],
        params: IdParams,
        response: { 200: retryAnswer, 202: retryAnswer, 404: errorSchema, 409: retryRefusal },
      },
    },
    async (request, reply) => {
      const state = await orders.retryState(scopeOf(request), request.params.id);
      if (!state) return reply.status(404).send(noSuchOrder);
      const { order, shipmentStatuses } = state;
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
      const decision = decideRetry(order, shipmentStatuses, unwritten.length);
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

  app.post(
    '/api/orders/:id/release',
    {
      schema: {
        summary: 'Release a hold, or release an order without the lines the 3PL cannot identify',
        description:
          '`{}` or `{"holdId", "note"}`: releases the order\'s active holds (a routing rule\'s or a person\'s; or only the one named), 202, and the order is routed again; a released rule hold does not hold it again. `{"excludeUnidentifiedLines": true}`: a held order is routed again without the lines the 3PL cannot identify; a held part is closed (the order is complete once the rest has shipped). The lines stay on the order, marked excluded, and are never sent. To ship them instead, map them in the SKU map: held orders are routed again by themselves.',
        tags: ['orders'],
        params: IdParams,
        body: releaseBody,
        response: {
          200: releaseAnswer,
          202: releaseAnswer,
          400: errorSchema,
          404: errorSchema,
          409: errorSchema,
        },
      },
    },
    async (request, reply) => {
      // An order the scope cannot see is neither released nor confirmed to exist.
      if (!(await orders.find(scopeOf(request), request.params.id)))
        return reply.status(404).send(noSuchOrder);
      const body = request.body;
      if (!('excludeUnidentifiedLines' in body)) {
        const released = await releaseHolds(hub, request.params.id, {
          ...(body.holdId ? { holdId: body.holdId } : {}),
          by: actorOf(request) ?? 'unknown',
          note: body.note ?? null,
        });
        if (released.outcome === 'not_found') return reply.status(404).send(noSuchOrder);
        if (released.outcome === 'refused') {
          return reply.status(409).send({ error: 'nothing_held', message: released.message });
        }
        return reply.status(202).send({
          orderId: request.params.id,
          outcome: 'hold_released' as const,
          holds: released.holds.map(holdSummary),
        });
      }
      const result = await releaseWithoutUnidentified(hub, request.params.id);
      if (result.outcome === 'not_found') return reply.status(404).send(noSuchOrder);
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

  app.post(
    '/api/orders/:id/hold',
    {
      schema: {
        summary: 'Hold an order before it is sent to a 3PL',
        description:
          'Nothing of the order is sent until the hold is released (`POST /api/orders/:id/release`) or, with `durationMinutes`, runs out. Storefront edits and cancellations that arrive meanwhile are applied, so what is sent is the order as it is on release. 409 once a shipment of it is at a 3PL (cancel it there instead) or when it is cancelled.',
        tags: ['orders'],
        params: IdParams,
        body: holdBody,
        response: { 200: holdAnswer, 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      if (!(await orders.find(scopeOf(request), request.params.id)))
        return reply.status(404).send(noSuchOrder);
      const { reason, note, durationMinutes } = request.body;
      const result = await placeManualHold(hub, request.params.id, {
        reason,
        note: note ?? null,
        until: durationMinutes ? new Date(Date.now() + durationMinutes * 60_000) : null,
        by: actorOf(request) ?? 'unknown',
      });
      if (result.outcome === 'not_found') return reply.status(404).send(noSuchOrder);
      if (result.outcome === 'refused')
        return reply.status(409).send({ error: 'not_holdable', message: result.message });
      return { orderId: request.params.id, status: 'on_hold', hold: holdSummary(result.hold) };
    },
  );
};
