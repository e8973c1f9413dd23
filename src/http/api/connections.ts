import type { FastifyInstance } from 'fastify';
import type { Connection } from '../../db/types.ts';
import type { Hub } from '../../pipeline/hub.ts';
import { ConnectionInputError, saveConnection, webhookUrlFor } from '../../pipeline/manage-connections.ts';
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
