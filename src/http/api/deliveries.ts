import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { BodyErasedReason, Delivery } from '../../db/types.ts';
import type { Hub } from '../../pipeline/hub.ts';
import { enqueue } from '../../pipeline/jobs.ts';
import { DELIVERY_STATUSES, deliveryQueries } from '../../queries/deliveries.ts';
import { errorSchema } from '../errors.ts';
import { pageQuerySchema } from '../pagination.ts';
import { scopeOf } from '../scope.ts';
import { DateTime, IdParams, Nullable, NullableDateTime, NullableString, Uuid } from './schema-kit.ts';

const STATUSES = DELIVERY_STATUSES;

const deliverySummary = Type.Object({
  id: Type.String(),
  merchantId: NullableString,
  connectionId: NullableString,
  connector: Type.String(),
  source: Type.String(),
  topic: NullableString,
  dedupeKey: NullableString,
  duplicateOf: NullableString,
  status: Type.Enum(STATUSES),
  httpStatus: Type.Integer(),
  rejectReason: NullableString,
  attempts: Type.Integer(),
  lastError: NullableString,
  bodySize: Type.Integer(),
  bodyErased: Nullable(
    Type.Object(
      {
        reason: Type.Enum(['retention', 'customer_redact', 'account_redact'] as const),
        at: DateTime,
      },
      {
        description:
          'Set when the body was dropped: by the retention policy (DELIVERY_BODY_RETENTION_DAYS) or a privacy erasure; the rest of the delivery is kept',
      },
    ),
  ),
  receivedAt: DateTime,
  processedAt: NullableDateTime,
});

const ERASED_BECAUSE: Record<BodyErasedReason, string> = {
  retention: 'by the retention policy, DELIVERY_BODY_RETENTION_DAYS',
  customer_redact: 'by a customer’s privacy erasure',
  account_redact: 'by the store’s privacy erasure',
};

function summary(row: Delivery) {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    connectionId: row.connection_id,
    connector: row.connector,
    source: row.source,
    topic: row.topic,
    dedupeKey: row.dedupe_key,
    duplicateOf: row.duplicate_of,
    status: row.status,
    httpStatus: row.http_status,
    rejectReason: row.reject_reason,
    attempts: row.attempts,
    lastError: row.last_error,
    bodySize: row.body_size,
    bodyErased:
      row.body_erased_at && row.body_erased_reason
        ? { reason: row.body_erased_reason, at: new Date(row.body_erased_at).toISOString() }
        : null,
    receivedAt: row.received_at.toISOString(),
    processedAt: row.processed_at ? row.processed_at.toISOString() : null,
  };
}

/** The body as text when it is UTF-8, else as base64. */
function bodyView(body: Uint8Array | null) {
  if (!body) return { body: null, bodyEncoding: null };
  const bytes = Buffer.from(body);
  const text = bytes.toString('utf8');
  const isText = Buffer.from(text, 'utf8').equals(bytes);
  return isText
    ? { body: text, bodyEncoding: 'utf8' as const }
    : { body: bytes.toString('base64'), bodyEncoding: 'base64' as const };
}

export const deliveryRoutes: FastifyPluginAsyncTypebox<{ hub: Hub }> = async (app, { hub }) => {
  const deliveries = deliveryQueries(hub.db);

  app.get(
    '/api/deliveries',
    {
      schema: {
        summary: 'The event log: every inbound delivery, newest first',
        tags: ['deliveries'],
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Enum(STATUSES)),
            connector: Type.Optional(Type.String({ maxLength: 64 })),
            connectionId: Type.Optional(Uuid),
            since: Type.Optional(DateTime),
            until: Type.Optional(DateTime),
            ...pageQuerySchema,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(deliverySummary), nextCursor: NullableString }),
          400: errorSchema,
        },
      },
    },
    async (request) => {
      const { page, nextCursor } = await deliveries.list(scopeOf(request), request.query);
      return { items: page.map(summary), nextCursor };
    },
  );

  app.get(
    '/api/deliveries/:id',
    {
      schema: {
        summary: 'One delivery, with its headers (secrets removed) and body',
        tags: ['deliveries'],
        params: IdParams,
        response: {
          200: Type.Object({
            ...deliverySummary.properties,
            headers: Type.Record(Type.String(), Type.String()),
            body: NullableString,
            bodyEncoding: Nullable(Type.Enum(['utf8', 'base64'] as const)),
          }),
          404: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const row = await deliveries.find(scopeOf(request), request.params.id);
      if (!row) return reply.status(404).send({ error: 'not_found', message: 'no such delivery' });
      return { ...summary(row), headers: row.headers, ...bodyView(row.body) };
    },
  );

  app.post(
    '/api/deliveries/:id/replay',
    {
      schema: {
        summary: 'Apply a stored delivery again (safe: changes apply only when newer)',
        description:
          '202 `queued`: the delivery will be applied again (`previousStatus` says what it was: a processed one applies again, and changes older than the stored order are ignored). 200 `already_queued`: it is waiting to be applied or being applied now, so nothing was added (one backing off after a failure is tried again now). 409 `not_replayable` with the `reason`: `duplicate` (replay `originalDeliveryId`), `rejected` (refused at the door, nothing stored to apply), `no_body` (its body is no longer kept), and with error `body_erased` (reason `body_erased`) when retention or a privacy erasure removed it, `no_connection` (its connection is gone).',
        tags: ['deliveries'],
        params: IdParams,
        response: {
          200: replayAnswer,
          202: replayAnswer,
          404: errorSchema,
          409: Type.Object({
            ...errorSchema.properties,
            reason: Type.Enum(['duplicate', 'rejected', 'no_body', 'body_erased', 'no_connection'] as const),
            originalDeliveryId: Type.Optional(NullableString),
          }),
        },
      },
    },
    async (request, reply) => {
      const row = await deliveries.find(scopeOf(request), request.params.id);
      if (!row) return reply.status(404).send({ error: 'not_found', message: 'no such delivery' });
      if (row.body_erased_at) {
        return reply.status(409).send({
          error: 'body_erased',
          reason: 'body_erased',
          message: `the body was erased (${ERASED_BECAUSE[row.body_erased_reason ?? 'retention']}) on ${new Date(row.body_erased_at).toISOString()}; only its record is kept, so there is nothing to replay`,
        });
      }
      const refusal = replayRefusal(row);
      if (refusal) {
        return reply.status(409).send({
          error: 'not_replayable',
          ...refusal,
          originalDeliveryId: row.duplicate_of,
        });
      }
      const serialKey = `${row.connection_id}:${row.serial_key ?? row.id}`;
      const waiting = await hub.boss.findJobs('apply-delivery', {
        key: serialKey,
        data: { deliveryId: row.id },
      });
      if (waiting.some((job) => QUEUED_OR_RUNNING.has(job.state))) {
        return reply.status(200).send({
          deliveryId: row.id,
          outcome: 'already_queued',
          previousStatus: row.status,
          status: row.status,
          message: 'the delivery is waiting to be applied or being applied now; nothing was added',
        });
      }
      await hub.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('deliveries')
          .set({ status: 'received', last_error: null })
          .where('id', '=', row.id)
          .execute();
        await enqueue(hub.boss, 'apply-delivery', { deliveryId: row.id }, { serialKey, trx });
      });
      request.log.info({ deliveryId: row.id, previousStatus: row.status }, 'delivery replay requested');
      return reply.status(202).send({
        deliveryId: row.id,
        outcome: 'queued',
        previousStatus: row.status,
        status: 'received',
        message:
          row.status === 'processed'
            ? 'applied once already; it is applied again, and changes older than what the hub holds are ignored'
            : 'it will be applied again',
      });
    },
  );
};

// A job backing off after a failure ('retry') is no reason to wait: a replay tries again now.
const QUEUED_OR_RUNNING = new Set(['created', 'active']);

const replayAnswer = Type.Object({
  deliveryId: Type.String(),
  outcome: Type.Enum(['queued', 'already_queued'] as const),
  previousStatus: Type.Enum(STATUSES),
  status: Type.Enum(STATUSES),
  message: Type.String(),
});

/** Why a delivery cannot be applied again, or null when it can. */
function replayRefusal(
  row: Delivery,
): { reason: 'duplicate' | 'rejected' | 'no_body' | 'no_connection'; message: string } | null {
  if (row.status === 'duplicate')
    return { reason: 'duplicate', message: 'a repeat of another delivery: replay the original instead' };
  if (row.status === 'rejected')
    return {
      reason: 'rejected',
      message: `refused when it arrived (${row.reject_reason ?? 'rejected'}), so there is nothing to apply`,
    };
  if (!row.connection_id) return { reason: 'no_connection', message: 'its connection no longer exists' };
  if (!row.body) return { reason: 'no_body', message: 'its body is no longer kept, so it cannot be applied' };
  return null;
}
