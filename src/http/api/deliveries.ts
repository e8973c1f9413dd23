import type { FastifyInstance } from 'fastify';
import type { Hub } from '../../pipeline/hub.ts';
import { replayDelivery } from '../../pipeline/ingest/replay.ts';
import { errorSchema } from '../errors.ts';
import { decodeCursor, olderThan, pageQuerySchema, toPage } from '../pagination.ts';

const STATUSES = ['received', 'processed', 'failed', 'dead', 'duplicate', 'rejected', 'ignored'] as const;
const nullableString = { type: ['string', 'null'] } as const;

const deliverySummary = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    merchantId: nullableString,
    connectionId: nullableString,
    connector: { type: 'string' },
    source: { type: 'string' },
    topic: nullableString,
    dedupeKey: nullableString,
    duplicateOf: nullableString,
    status: { type: 'string' },
    httpStatus: { type: 'integer' },
    rejectReason: nullableString,
    attempts: { type: 'integer' },
    lastError: nullableString,
    bodySize: { type: 'integer' },
    bodyErased: {
      description:
        'Set when the body was dropped: by the retention policy (DELIVERY_BODY_RETENTION_DAYS) or a privacy erasure; the rest of the delivery is kept',
      type: ['object', 'null'],
      properties: {
        reason: { type: 'string', enum: ['retention', 'customer_redact', 'account_redact'] },
        at: { type: 'string', format: 'date-time' },
      },
    },
    receivedAt: { type: 'string', format: 'date-time' },
    processedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

type DeliveryRow = Awaited<ReturnType<typeof loadDelivery>>;

async function loadDelivery(hub: Hub, id: string) {
  return hub.db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
}

function summary(row: NonNullable<DeliveryRow>) {
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

export async function deliveryRoutes(app: FastifyInstance, { hub }: { hub: Hub }) {
  app.get<{
    Querystring: {
      status?: string;
      connector?: string;
      connectionId?: string;
      since?: string;
      until?: string;
      limit: number;
      cursor?: string;
    };
  }>(
    '/api/deliveries',
    {
      schema: {
        summary: 'The event log: every inbound delivery, newest first',
        tags: ['deliveries'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: [...STATUSES] },
            connector: { type: 'string', maxLength: 64 },
            connectionId: { type: 'string', format: 'uuid' },
            since: { type: 'string', format: 'date-time' },
            until: { type: 'string', format: 'date-time' },
            ...pageQuerySchema,
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: deliverySummary }, nextCursor: nullableString },
          },
          400: errorSchema,
        },
      },
    },
    async (request) => {
      const { status, connector, connectionId, since, until, limit, cursor } = request.query;
      const after = decodeCursor(cursor);
      let query = hub.db
        .selectFrom('deliveries')
        .selectAll()
        .orderBy('received_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1);
      if (status) query = query.where('status', '=', status as (typeof STATUSES)[number]);
      if (connector) query = query.where('connector', '=', connector);
      if (connectionId) query = query.where('connection_id', '=', connectionId);
      if (since) query = query.where('received_at', '>=', new Date(since));
      if (until) query = query.where('received_at', '<', new Date(until));
      if (after) query = query.where(olderThan('deliveries', 'received_at', after));
      const { page, nextCursor } = toPage(await query.execute(), limit);
      return {
        items: page.map(summary),
        nextCursor,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/deliveries/:id',
    {
      schema: {
        summary: 'One delivery, with its headers (secrets removed) and body',
        tags: ['deliveries'],
        params: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } }, required: ['id'] },
        response: {
          200: {
            type: 'object',
            properties: {
              ...deliverySummary.properties,
              headers: { type: 'object', additionalProperties: { type: 'string' } },
              body: nullableString,
              bodyEncoding: { type: ['string', 'null'], enum: ['utf8', 'base64', null] },
            },
          },
          404: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const row = await loadDelivery(hub, request.params.id);
      if (!row) return reply.status(404).send({ error: 'not_found', message: 'no such delivery' });
      let body: string | null = null;
      let bodyEncoding: 'utf8' | 'base64' | null = null;
      if (row.body) {
        const bytes = Buffer.from(row.body);
        const text = bytes.toString('utf8');
        const isText = Buffer.from(text, 'utf8').equals(bytes);
        body = isText ? text : bytes.toString('base64');
        bodyEncoding = isText ? 'utf8' : 'base64';
      }
      return { ...summary(row), headers: row.headers, body, bodyEncoding };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/deliveries/:id/replay',
    {
      schema: {
        summary: 'Apply a stored delivery again (safe: changes apply only when newer)',
        description:
          '202 `queued`: the delivery will be applied again (`previousStatus` says what it was: a processed one applies again, and changes older than the stored order are ignored). 200 `already_queued`: it is waiting to be applied or being applied now, so nothing was added (one backing off after a failure is tried again now). 409 `not_replayable` with the `reason`: `duplicate` (replay `originalDeliveryId`), `rejected` (refused at the door, nothing stored to apply), `no_body` (its body is no longer kept), and with error `body_erased` (reason `body_erased`) when retention or a privacy erasure removed it, `no_connection` (its connection is gone).',
        tags: ['deliveries'],
        params: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } }, required: ['id'] },
        response: {
          200: replayAnswer,
          202: replayAnswer,
          404: errorSchema,
          409: {
            type: 'object',
            properties: {
              ...errorSchema.properties,
              reason: {
                type: 'string',
                enum: ['duplicate', 'rejected', 'no_body', 'body_erased', 'no_connection'],
              },
              originalDeliveryId: nullableString,
            },
            required: ['error', 'message', 'reason'],
          },
        },
      },
    },
    async (request, reply) => {
      const outcome = await replayDelivery(hub, request.params.id);
      switch (outcome.kind) {
        case 'not_found':
          return reply.status(404).send({ error: 'not_found', message: 'no such delivery' });
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
}

const replayAnswer = {
  type: 'object',
  properties: {
    deliveryId: { type: 'string' },
    outcome: { type: 'string', enum: ['queued', 'already_queued'] },
    previousStatus: { type: 'string', enum: [...STATUSES] },
    status: { type: 'string', enum: [...STATUSES] },
    message: { type: 'string' },
  },
  required: ['deliveryId', 'outcome', 'previousStatus', 'status', 'message'],
} as const;
