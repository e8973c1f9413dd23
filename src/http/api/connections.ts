import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger } from 'fastify';
import { Type } from 'typebox';
import type { Connection } from '../../db/types.ts';
import { readConnectionHealth } from '../../pipeline/connection-health.ts';
import type { Hub } from '../../pipeline/hub.ts';
import { ConnectionInputError, saveConnection, webhookUrlFor } from '../../pipeline/manage-connections.ts';
import { reconcileConnection } from '../../pipeline/reconcile/reconcile.ts';
import { syncLocations } from '../../pipeline/reconcile/sync-locations.ts';
import { connectionQueries } from '../../queries/connections.ts';
import { merchantQueries } from '../../queries/merchants.ts';
import { errorSchema } from '../errors.ts';
import { scopeOf } from '../scope.ts';
import {
  connectionSchema,
  healthSchema,
  locationSchema,
  locationView,
  merchantSchema,
  reconcileReportSchema,
  reportView,
} from './connection-schemas.ts';
import { IdParams, JsonObject, NullableDateTime, Uuid } from './schema-kit.ts';

/** The statuses a refused connection input is answered with (the route's schema lists them). */
const INPUT_ERROR_STATUSES = [400, 404, 409, 422] as const;

export const connectionRoutes: FastifyPluginAsyncTypebox<{ hub: Hub; publicUrl: () => string }> = async (
  app,
  { hub, publicUrl },
) => {
  const connections = connectionQueries(hub.db);
  const merchants = merchantQueries(hub.db);
  const noSuchConnection = { error: 'not_found', message: 'no such connection' };

  /** A saved 3PL's locations; a failed listing does not undo the save (reconciliation lists them again). */
  async function listLocationsOf(connectionId: string, log: FastifyBaseLogger) {
    const loaded = await hub.connections.get(connectionId);
    if (!loaded) return;
    await syncLocations(hub, loaded).catch((error: unknown) =>
      log.warn({ connectionId, err: error }, 'listing the 3PL locations failed'),
    );
  }

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

  app.get(
    '/api/connections',
    {
      schema: {
        summary: 'List connections (storefronts and 3PLs)',
        tags: ['connections'],
        querystring: Type.Object({ merchantId: Type.Optional(Uuid) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(connectionSchema) }) },
      },
    },
    async (request) => ({
      items: (await connections.list(scopeOf(request), request.query)).map(view),
    }),
  );

  app.get(
    '/api/connections/:id',
    {
      schema: {
        summary: 'One connection, with its health (and a 3PL’s locations and their stock)',
        description:
          'Health: the last delivery received, failed deliveries, the last reconciliation and what it recovered, what the platform said about webhooks and token expiry (at the last health check), and the last stock publication with the SKUs the storefront refused. A 3PL connection also lists its locations (warehouses) with stock per SKU and what is available to promise there.',
        tags: ['connections'],
        params: IdParams,
        response: {
          200: Type.Object({
            ...connectionSchema.properties,
            health: healthSchema,
            locations: Type.Optional(Type.Array(locationSchema, { description: 'A 3PL connection’s only' })),
          }),
          404: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const row = await connections.find(scopeOf(request), request.params.id);
      if (!row) return reply.status(404).send(noSuchConnection);
      const health = await readConnectionHealth(hub.db, row.id);
      if (row.role !== 'fulfillment') return { ...view(row), health };
      const locations = await connections.locations(scopeOf(request), row.id);
      return { ...view(row), health, locations: locations.map(locationView) };
    },
  );

  app.post(
    '/api/connections/:id/reconcile',
    {
      schema: {
        summary: 'Run the connection’s health check and reconciliation now, and say what they found',
        description:
          'Runs in the request: the connector repairs what the platform disabled (webhooks), then polls for what webhooks missed; new deliveries are queued to be applied like webhooks. The result is also kept on the connection’s health. 409 when the connection is not active or a reconciliation is already running; 502 when the platform failed (the error is recorded, and the scheduled reconciliation tries again).',
        tags: ['connections'],
        params: IdParams,
        response: {
          200: reconcileReportSchema,
          404: errorSchema,
          409: Type.Object({
            ...errorSchema.properties,
            status: Type.Optional(Type.String({ description: 'The connection’s status' })),
            runningUntil: Type.Optional({
              ...NullableDateTime,
              description: 'When the running one’s claim ends',
            }),
          }),
          502: Type.Object({ ...errorSchema.properties, reconciliation: reconcileReportSchema }),
        },
      },
    },
    async (request, reply) => {
      // A connection the scope cannot see is not reconciled, and not confirmed to exist.
      if (!(await connections.find(scopeOf(request), request.params.id)))
        return reply.status(404).send(noSuchConnection);
      const outcome = await reconcileConnection(
        hub,
        request.params.id,
        'api',
        hub.log.child({ reqId: request.id }),
      );
      switch (outcome.kind) {
        case 'not_found':
          return reply.status(404).send(noSuchConnection);
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

  app.post(
    '/api/connections',
    {
      schema: {
        summary: 'Connect a storefront or 3PL for a merchant (re-posting the same account updates it)',
        tags: ['connections'],
        body: Type.Object(
          {
            merchantId: Uuid,
            connector: Type.String({ minLength: 1, maxLength: 64 }),
            externalAccount: Type.String({ minLength: 1, maxLength: 255 }),
            settings: JsonObject,
            credentials: JsonObject,
            defaultFulfillment: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
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
      // Another merchant's id is answered as the pipeline answers an unknown one.
      if (!merchants.visible(scopeOf(request), request.body.merchantId))
        return reply.status(404).send({ error: 'unknown_merchant', message: 'no such merchant' });
      try {
        const row = await saveConnection(hub, request.body);
        if (row.role === 'fulfillment') await listLocationsOf(row.id, request.log);
        return reply.status(201).send(view(row));
      } catch (error) {
        if (error instanceof ConnectionInputError) {
          const status = INPUT_ERROR_STATUSES.find((code) => code === error.statusCode) ?? 400;
          return reply.status(status).send({ error: error.code, message: error.message });
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
        response: { 200: Type.Object({ items: Type.Array(merchantSchema) }) },
      },
    },
    async (request) => {
      const rows = await merchants.list(scopeOf(request));
      return {
        items: rows.map((m) => ({
          id: m.id,
          name: m.name,
          defaultFulfillmentConnectionId: m.default_fulfillment_connection_id,
        })),
      };
    },
  );

  app.post(
    '/api/merchants',
    {
      schema: {
        summary: 'Create a merchant',
        description: 'Only the operator creates merchants.',
        tags: ['merchants'],
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ id: Type.String(), name: Type.String() }),
          400: errorSchema,
          403: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const row = await merchants.create(scopeOf(request), request.body.name);
      if (!row)
        return reply
          .status(403)
          .send({ error: 'operator_only', message: 'only the operator creates merchants' });
      return reply.status(201).send(row);
    },
  );
};
