import type { FastifyInstance } from 'fastify';
import type { Connection } from '../../db/types.ts';
import { readConnectionHealth } from '../../pipeline/connection-health.ts';
import type { Hub } from '../../pipeline/hub.ts';
import { ConnectionInputError, saveConnection, webhookUrlFor } from '../../pipeline/manage-connections.ts';
import { type ReconcileReport, reconcileConnection } from '../../pipeline/reconcile/reconcile.ts';
import { errorSchema } from '../errors.ts';

const connectionSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    merchantId: { type: 'string' },
    connector: { type: 'string' },
    role: { type: 'string' },
    externalAccount: { type: 'string' },
    settings: { type: 'object', additionalProperties: true },
    status: { type: 'string' },
    webhookUrl: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

const nullableString = { type: ['string', 'null'] } as const;
const nullableInteger = { type: ['integer', 'null'] } as const;
const nullableTime = { type: ['string', 'null'], format: 'date-time' } as const;
const countsByType = { type: 'object', additionalProperties: { type: 'integer' } } as const;
const webhookStatusSchema = {
  type: 'object',
  properties: { topic: { type: 'string' }, status: { type: 'string' }, repaired: { type: 'string' } },
} as const;
const tokenSchema = {
  type: ['object', 'null'],
  description: 'When the credentials stop working unless renewed, where the connector knows',
  properties: { expiresAt: nullableTime, refreshExpiresAt: nullableTime },
} as const;

const healthSchema = {
  type: 'object',
  properties: {
    lastDelivery: {
      type: ['object', 'null'],
      description: 'The newest delivery received on this connection (webhook or poll)',
      properties: {
        id: { type: 'string' },
        topic: nullableString,
        source: { type: 'string' },
        status: { type: 'string' },
        receivedAt: { type: 'string', format: 'date-time' },
      },
    },
    failedDeliveries: {
      type: 'integer',
      description: 'Deliveries failed or dead (see GET /api/deliveries?connectionId=…&status=dead)',
    },
    reconciling: { type: 'boolean', description: 'A reconciliation is running now' },
    lastReconciliation: {
      type: ['object', 'null'],
      properties: {
        at: { type: 'string', format: 'date-time' },
        trigger: { type: 'string', enum: ['job', 'api'] },
        outcome: { type: 'string', enum: ['completed', 'failed'] },
        durationMs: nullableInteger,
        polled: nullableInteger,
        recorded: nullableInteger,
        recovered: { ...countsByType, description: 'Events the hub did not know, by type' },
        error: nullableString,
      },
    },
    platform: {
      type: ['object', 'null'],
      description: 'What the connector’s health check found at the platform, at the last reconciliation',
      properties: {
        checkedAt: { type: 'string', format: 'date-time' },
        healthy: { type: ['boolean', 'null'] },
        repaired: { type: 'array', items: { type: 'string' } },
        webhooks: { type: ['array', 'null'], items: webhookStatusSchema },
        token: tokenSchema,
      },
    },
    lastStockPublication: {
      type: ['object', 'null'],
      properties: {
        at: { type: 'string', format: 'date-time' },
        outcome: { type: 'string', enum: ['published', 'partial', 'failed'] },
        skus: nullableInteger,
        failed: nullableInteger,
        error: nullableString,
      },
    },
    stockFailures: {
      type: 'array',
      description:
        'SKUs the storefront refused, until one is published again (sent again with each publication)',
      items: {
        type: 'object',
        properties: {
          sku: { type: 'string' },
          available: { type: 'integer' },
          code: { type: 'string' },
          message: { type: 'string' },
          failedAt: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
} as const;

const reconcileReportSchema = {
  type: 'object',
  properties: {
    connectionId: { type: 'string' },
    trigger: { type: 'string', enum: ['job', 'api'] },
    outcome: { type: 'string', enum: ['completed', 'failed'] },
    startedAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: 'string', format: 'date-time' },
    durationMs: { type: 'integer' },
    health: {
      type: ['object', 'null'],
      description: 'The connector’s health check; null when it has none',
      properties: {
        healthy: { type: 'boolean' },
        repaired: { type: 'array', items: { type: 'string' } },
        catchUp: { type: 'boolean' },
        webhooks: { type: ['array', 'null'], items: webhookStatusSchema },
        token: tokenSchema,
      },
    },
    polled: { type: 'integer', description: 'Events the platform reported since the cursor' },
    recorded: { type: 'integer', description: 'Of those, new deliveries queued to be applied' },
    recovered: { ...countsByType, description: 'Of those, events the hub did not know, by type' },
    cursor: { type: 'object', properties: { before: nullableString, after: nullableString } },
    error: {
      type: ['object', 'null'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
} as const;

function reportView(report: ReconcileReport) {
  return {
    connectionId: report.connectionId,
    trigger: report.trigger,
    outcome: report.outcome,
    startedAt: report.startedAt.toISOString(),
    finishedAt: report.finishedAt.toISOString(),
    durationMs: report.finishedAt.getTime() - report.startedAt.getTime(),
    health: report.health
      ? {
          healthy: report.health.healthy,
          repaired: report.health.repaired,
          catchUp: report.health.catchUp,
          webhooks: report.health.webhooks ?? null,
          token: report.health.token ?? null,
        }
      : null,
    polled: report.polled,
    recorded: report.recorded,
    recovered: report.recovered,
    cursor: report.cursor,
    error: report.error,
  };
}

const idParams = {
  type: 'object',
  properties: { id: { type: 'string', format: 'uuid' } },
  required: ['id'],
} as const;

export async function connectionRoutes(
  app: FastifyInstance,
  { hub, publicUrl }: { hub: Hub; publicUrl: () => string },
) {
  // Credentials are write-only: no response ever carries them.
  const view = (row: Connection) => ({
    id: row.id,
    merchantId: row.merchant_id,
    connector: row.connector,
    role: row.role,
    externalAccount: row.external_account,
    settings: row.settings,
    status: row.status,
    webhookUrl: webhookUrlFor(publicUrl(), row),
    createdAt: row.created_at.toISOString(),
  });

  app.get<{ Querystring: { merchantId?: string } }>(
    '/api/connections',
    {
      schema: {
        summary: 'List connections (storefronts and 3PLs)',
        tags: ['connections'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { merchantId: { type: 'string', format: 'uuid' } },
        },
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: connectionSchema } } },
        },
      },
    },
    async (request) => {
      let query = hub.db.selectFrom('connections').selectAll().orderBy('created_at');
      if (request.query.merchantId) query = query.where('merchant_id', '=', request.query.merchantId);
      return { items: (await query.execute()).map(view) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/connections/:id',
    {
      schema: {
        summary: 'One connection, with its health',
        description:
          'Health: the last delivery received, failed deliveries, the last reconciliation and what it recovered, what the platform said about webhooks and token expiry (at the last health check), and the last stock publication with the SKUs the storefront refused.',
        tags: ['connections'],
        params: idParams,
        response: {
          200: { type: 'object', properties: { ...connectionSchema.properties, health: healthSchema } },
          404: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const row = await hub.db
        .selectFrom('connections')
        .selectAll()
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (!row) return reply.status(404).send({ error: 'not_found', message: 'no such connection' });
      return { ...view(row), health: await readConnectionHealth(hub.db, row.id) };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/connections/:id/reconcile',
    {
      schema: {
        summary: 'Run the connection’s health check and reconciliation now, and say what they found',
        description:
          'Runs in the request: the connector repairs what the platform disabled (webhooks), then polls for what webhooks missed; new deliveries are queued to be applied like webhooks. The result is also kept on the connection’s health. 409 when the connection is not active or a reconciliation is already running; 502 when the platform failed (the error is recorded, and the scheduled reconciliation tries again).',
        tags: ['connections'],
        params: idParams,
        response: {
          200: reconcileReportSchema,
          404: errorSchema,
          409: {
            type: 'object',
            properties: {
              ...errorSchema.properties,
              status: { type: 'string', description: 'The connection’s status' },
              runningUntil: { ...nullableTime, description: 'When the running one’s claim ends' },
            },
            required: ['error', 'message'],
          },
          502: {
            type: 'object',
            properties: { ...errorSchema.properties, reconciliation: reconcileReportSchema },
            required: ['error', 'message'],
          },
        },
      },
    },
    async (request, reply) => {
      const outcome = await reconcileConnection(
        hub,
        request.params.id,
        'api',
        hub.log.child({ reqId: request.id }),
      );
      switch (outcome.kind) {
        case 'not_found':
          return reply.status(404).send({ error: 'not_found', message: 'no such connection' });
        case 'inactive':
          return reply.status(409).send({
            error: 'connection_inactive',
            message: `the connection is ${outcome.status}: connect it again before reconciling`,
            status: outcome.status,
          });
        case 'busy':
          return reply.status(409).send({
            error: 'reconcile_running',
            message: 'a reconciliation of this connection is running; its result will show on the connection',
            runningUntil: outcome.until ? new Date(outcome.until).toISOString() : null,
          });
        case 'failed':
          return reply.status(502).send({
            error: outcome.report.error?.code ?? 'reconcile_failed',
            message: outcome.report.error?.message ?? 'the reconciliation failed',
            reconciliation: reportView(outcome.report),
          });
        case 'completed':
          return reportView(outcome.report);
      }
    },
  );

  app.post<{
    Body: {
      merchantId: string;
      connector: string;
      externalAccount: string;
      settings: Record<string, unknown>;
      credentials: Record<string, unknown>;
      defaultFulfillment?: boolean;
    };
  }>(
    '/api/connections',
    {
      schema: {
        summary: 'Connect a storefront or 3PL for a merchant (re-posting the same account updates it)',
        tags: ['connections'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['merchantId', 'connector', 'externalAccount', 'settings', 'credentials'],
          properties: {
            merchantId: { type: 'string', format: 'uuid' },
            connector: { type: 'string', minLength: 1, maxLength: 64 },
            externalAccount: { type: 'string', minLength: 1, maxLength: 255 },
            settings: { type: 'object' },
            credentials: { type: 'object' },
            defaultFulfillment: { type: 'boolean' },
          },
        },
        response: {
          201: connectionSchema,
          400: errorSchema,
          404: errorSchema,
          409: errorSchema,
          422: errorSchema,
        },
      },
    },
    async (request, reply) => {
      try {
        const row = await saveConnection(hub, request.body);
        return reply.status(201).send(view(row));
      } catch (error) {
        if (error instanceof ConnectionInputError) {
          return reply.status(error.statusCode).send({ error: error.code, message: error.message });
        }
        throw error;
      }
    },
  );

  app.get(
    '/api/merchants',
    {
      schema: {
        summary: 'List merchants',
        tags: ['merchants'],
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    name: { type: 'string' },
                    defaultFulfillmentConnectionId: { type: ['string', 'null'] },
                  },
                },
              },
            },
          },
        },
      },
    },
    async () => {
      const rows = await hub.db.selectFrom('merchants').selectAll().orderBy('created_at').execute();
      return {
        items: rows.map((m) => ({
          id: m.id,
          name: m.name,
          defaultFulfillmentConnectionId: m.default_fulfillment_connection_id,
        })),
      };
    },
  );

  app.post<{ Body: { name: string } }>(
    '/api/merchants',
    {
      schema: {
        summary: 'Create a merchant',
        tags: ['merchants'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
        },
        response: {
          201: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } },
          400: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const row = await hub.db
        .insertInto('merchants')
        .values({ name: request.body.name })
        .returning(['id', 'name'])
        .executeTakeFirstOrThrow();
      return reply.status(201).send(row);
    },
  );
}
