import type { FastifyInstance, FastifyError } from 'fastify';
import type { Hub } from '../pipeline/hub.ts';
import { headersForRecord, ingestWebhook, recordRejection } from '../pipeline/ingest.ts';

const paramsSchema = {
  type: 'object',
  properties: { connector: { type: 'string', maxLength: 64 }, connectionId: { type: 'string', maxLength: 64 } },
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
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: hub.config.webhookBodyLimitBytes }, (_req, body, done) =>
    done(null, body),
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
      return reply.status(413).send({ deliveryId: outcome.deliveryId, outcome: 'rejected', error: 'body_too_large', message: outcome.message });
    }
    throw error;
  });

  app.post<{ Params: { connector: string; connectionId: string } }>(
    '/webhooks/:connector/:connectionId',
    {
      schema: {
        summary: 'Receive a webhook delivery',
        description:
          'Verified on the raw bytes, stored with the job that applies it, then acknowledged. 401 bad or missing signature, 404 unknown connection, 413 body too large, 400 unreadable; every rejection is recorded.',
        tags: ['webhooks'],
        params: paramsSchema,
        response: { 200: ackSchema, 400: ackSchema, 401: ackSchema, 404: ackSchema, 413: ackSchema },
      },
    },
    async (request, reply) => {
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value[0] : value;
      const known = hub.registry.get(request.params.connector);
      const outcome = known
        ? await ingestWebhook(hub, { connectorName: request.params.connector, connectionId: request.params.connectionId, request: { headers, rawBody } })
        : await recordRejection(hub, {
            connector: request.params.connector,
            connectionId: null,
            merchantId: null,
            headers: headersForRecord(request.headers),
            bodySize: rawBody.length,
            status: 404,
            reason: 'unknown_connection',
            message: 'no such connector',
          });
      return reply.status(outcome.status).send({
        deliveryId: outcome.deliveryId,
        outcome: outcome.outcome,
        ...(outcome.reason ? { error: outcome.reason, message: outcome.message } : {}),
      });
    },
  );
}
