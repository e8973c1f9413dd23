import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Delivery } from '../../db/types.ts';
import type { Hub } from '../../pipeline/hub.ts';
import { replayDelivery } from '../../pipeline/ingest/replay.ts';
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
      const outcome = await replayDelivery(hub, row);
      switch (outcome.kind) {
        case 'body_erased':
          return reply
            .status(409)
            .send({ error: 'body_erased', reason: 'body_erased', message: outcome.message });
        case 'refused':
          return reply.status(409).send({
            error: 'not_replayable',
            reason: outcome.reason,
            message: outcome.message,
            originalDeliveryId: outcome.originalDeliveryId,
          });
        case 'already_queued':
        case 'queued': {
          const { kind, ...answer } = outcome;
          if (kind === 'queued') {
            request.log.info(
              { deliveryId: answer.deliveryId, previousStatus: answer.previousStatus },
              'delivery replay requested',
            );
          }
          return reply.status(kind === 'queued' ? 202 : 200).send({ ...answer, outcome: kind });
        }
      }
    },
  );
};

const replayAnswer = Type.Object({
  deliveryId: Type.String(),
  outcome: Type.Enum(['queued', 'already_queued'] as const),
  previousStatus: Type.Enum(STATUSES),
  status: Type.Enum(STATUSES),
  message: Type.String(),
});
