import type { FastifyError, FastifyInstance } from 'fastify';
import type { Hub } from '../pipeline/hub.ts';
import { headersForRecord, ingestWebhook, recordRejection } from '../pipeline/ingest/ingest.ts';

const paramsSchema = {
  type: 'object',
  properties: {
    connector: { type: 'string', maxLength: 64 },
    connectionId: { type: 'string', maxLength: 64 },
  },
  required: ['connector', 'connectionId'],
} as const;

const ackSchema = {
  type: 'object',
  properties: {
    deliveryId: { type: 'string' },
    outcome: { type: 'string', enum: ['accepted', 'duplicate', 'ignored', 'rejected'] },
    error: { type: 'string' },
    message: { type: 'string' },
  },
} as const;

/**
 * `POST /webhooks/:connector/:connectionId`: every storefront's and 3PL's deliveries. The body is
 * kept as raw bytes (signatures are over bytes, not over re-serialized JSON), whatever its type.
 */
export async function webhookRoutes(app: FastifyInstance, options: { hub: Hub }) {
  const { hub } = options;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: hub.config.webhookBodyLimitBytes },
    (_req, body, done) => done(null, body),
  );

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const params = request.params as { connector?: string; connectionId?: string };
      const outcome = await recordRejection(hub, {
        connector: params.connector ?? 'unknown',
        connectionId: null,
        merchantId: null,
        headers: headersForRecord(request.headers),
        bodySize: Number(request.headers['content-length'] ?? 0),
        status: 413,
        reason: 'body_too_large',
        message: `body over ${hub.config.webhookBodyLimitBytes} bytes`,
      });
      hub.metrics.deliveries.inc({
        connector: params.connector ?? 'unknown',
        outcome: 'rejected',
        reason: 'body_too_large',
      });
      return reply.status(413).send({
        deliveryId: outcome.deliveryId,
        outcome: 'rejected',
        error: 'body_too_large',
        message: outcome.message,
      });
    }
    throw error;
  });

  const receive = async (
    connectorName: string,
    connectionId: string | null,
    request: { headers: Record<string, string | string[] | undefined>; body: unknown },
    subPath = '',
  ) => {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(request.headers))
      headers[name] = Array.isArray(value) ? value[0] : value;
    const connector = hub.registry.get(connectorName);
    let id = connectionId;
    if (connector && id === null && connector.manifest.webhookAccountHeader) {
      const account = headers[connector.manifest.webhookAccountHeader.toLowerCase()];
      id = account ? ((await hub.connections.findByAccount(connectorName, account))?.row.id ?? null) : null;
    }
    if (!connector || id === null) {
      return recordRejection(hub, {
        connector: connectorName,
        connectionId: null,
        merchantId: null,
        headers: headersForRecord(request.headers),
        bodySize: rawBody.length,
        status: 404,
        reason: 'unknown_connection',
        message: connector ? 'no connection for this account' : 'no such connector',
      });
    }
    return ingestWebhook(hub, {
      connectorName,
      connectionId: id,
      request: { headers, rawBody, ...(subPath ? { subPath } : {}) },
    });
  };
  const answer = (outcome: Awaited<ReturnType<typeof receive>>) => ({
    deliveryId: outcome.deliveryId,
    outcome: outcome.outcome,
    ...(outcome.reason ? { error: outcome.reason, message: outcome.message } : {}),
  });
  const responses = {
    200: ackSchema,
    400: ackSchema,
    401: ackSchema,
    404: ackSchema,
    413: ackSchema,
    503: ackSchema,
  };

  app.post<{ Params: { connector: string; connectionId: string } }>(
    '/webhooks/:connector/:connectionId',
    {
      schema: {
        summary: 'Receive a webhook delivery for one connection',
        description:
          'Verified on the raw bytes, stored with the job that applies it, then acknowledged. 401 bad or missing signature, 404 unknown connection, 413 body too large, 400 unreadable; every rejection is recorded. 503 with Retry-After while the database is unavailable: nothing was stored, send it again.',
        tags: ['webhooks'],
        params: paramsSchema,
        response: responses,
      },
    },
    async (request, reply) => {
      const outcome = await receive(request.params.connector, request.params.connectionId, request);
      hub.metrics.deliveries.inc({
        connector: request.params.connector,
        outcome: outcome.outcome,
        reason: outcome.reason ?? '',
      });
      return reply.status(outcome.status).send(answer(outcome));
    },
  );

  app.post<{ Params: { connector: string; connectionId: string; '*': string } }>(
    '/webhooks/:connector/:connectionId/*',
    {
      schema: {
        summary: 'Receive a webhook delivery for one connection, at a sub-path',
        description:
          "Platforms that append a path to the URL they were given (Shopify's fulfillment service callback) reach the same ingest; the connector sees the sub-path.",
        tags: ['webhooks'],
        params: {
          type: 'object',
          properties: {
            connector: { type: 'string', maxLength: 64 },
            connectionId: { type: 'string', maxLength: 64 },
            '*': { type: 'string', maxLength: 200 },
          },
          required: ['connector', 'connectionId'],
        },
        response: responses,
      },
    },
    async (request, reply) => {
      const outcome = await receive(
        request.params.connector,
        request.params.connectionId,
        request,
        `/${request.params['*']}`,
      );
      hub.metrics.deliveries.inc({
        connector: request.params.connector,
        outcome: outcome.outcome,
        reason: outcome.reason ?? '',
      });
      return reply.status(outcome.status).send(answer(outcome));
    },
  );

  app.post<{ Params: { connector: string } }>(
    '/webhooks/:connector',
    {
      schema: {
        summary: 'Receive a webhook delivery addressed by account header',
        description:
          "For platforms that send every account's webhooks to one URL (Shopify): the connection is found from the header the connector names (X-Shopify-Shop-Domain).",
        tags: ['webhooks'],
        params: {
          type: 'object',
          properties: { connector: { type: 'string', maxLength: 64 } },
          required: ['connector'],
        },
        response: responses,
      },
    },
    async (request, reply) => {
      const outcome = await receive(request.params.connector, null, request);
      hub.metrics.deliveries.inc({
        connector: request.params.connector,
        outcome: outcome.outcome,
        reason: outcome.reason ?? '',
      });
      return reply.status(outcome.status).send(answer(outcome));
    },
  );
}
