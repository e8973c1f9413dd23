import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { type ApiKeyRow, createApiKey, listApiKeys, revokeApiKey } from '../../auth/api-keys.ts';
import type { Hub } from '../../pipeline/hub.ts';
import { merchantQueries } from '../../queries/merchants.ts';
import { errorSchema } from '../errors.ts';
import { scopedMerchant, scopeOf } from '../scope.ts';
import { DateTime, IdParams, NullableDateTime, Uuid } from './schema-kit.ts';

const keySchema = Type.Object({
  id: Type.String(),
  merchantId: Type.String(),
  name: Type.String(),
  /** The public part of the key (`fhk_<prefix>_…`), to tell keys apart. */
  prefix: Type.String(),
  createdAt: DateTime,
  lastUsedAt: NullableDateTime,
  revokedAt: NullableDateTime,
});

const view = (row: ApiKeyRow) => ({
  id: row.id,
  merchantId: row.merchant_id,
  name: row.name,
  prefix: row.prefix,
  createdAt: row.created_at.toISOString(),
  lastUsedAt: row.last_used_at?.toISOString() ?? null,
  revokedAt: row.revoked_at?.toISOString() ?? null,
});

/**
 * Merchant-scoped API keys: the operator manages any merchant's, a merchant (member or key) its own.
 * The key itself is in the creation answer only; the hub keeps its hash.
 */
export const apiKeyRoutes: FastifyPluginAsyncTypebox<{ hub: Hub }> = async (app, { hub }) => {
  const merchants = merchantQueries(hub.db);

  app.get(
    '/api/keys',
    {
      schema: {
        tags: ['keys'],
        summary: "API keys of the scope's merchants (or of one), newest first",
        querystring: Type.Object({ merchantId: Type.Optional(Uuid) }),
        response: { 200: Type.Object({ items: Type.Array(keySchema) }) },
      },
    },
    async (request) => {
      const rows = await listApiKeys(
        hub.db,
        request.query.merchantId ?? null,
        scopedMerchant(scopeOf(request)),
      );
      return { items: rows.map(view) };
    },
  );

  app.post(
    '/api/keys',
    {
      schema: {
        tags: ['keys'],
        summary: 'Create an API key for a merchant; the key is shown in this answer only',
        body: Type.Object(
          { merchantId: Uuid, name: Type.String({ minLength: 1, maxLength: 100 }) },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Intersect([keySchema, Type.Object({ key: Type.String() })]),
          404: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      if (!(await merchants.exists(scope, request.body.merchantId)))
        return reply.status(404).send({ error: 'not_found', message: 'no such merchant' });
      const { key, row } = await createApiKey(hub.db, {
        merchantId: request.body.merchantId,
        name: request.body.name,
        createdBy: request.userId ?? null,
      });
      request.log.info({ apiKeyId: row.id, merchantId: row.merchant_id }, 'API key created');
      return reply.status(201).send({ ...view(row), key });
    },
  );

  app.delete(
    '/api/keys/:id',
    {
      schema: {
        tags: ['keys'],
        summary: 'Revoke an API key (it stops working at once; revoking twice is harmless)',
        params: IdParams,
        response: { 200: keySchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const row = await revokeApiKey(hub.db, request.params.id, scopedMerchant(scopeOf(request)));
      if (!row) return reply.status(404).send({ error: 'not_found', message: 'no such API key' });
      request.log.info({ apiKeyId: row.id, merchantId: row.merchant_id }, 'API key revoked');
      return view(row);
    },
  );
};
