import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Hub } from '../../pipeline/hub.ts';
import { privacyRequestQueries } from '../../queries/privacy-requests.ts';
import { pageQuerySchema } from '../pagination.ts';
import { scopeOf } from '../scope.ts';
import { DateTime, JsonObject, NullableString, Uuid } from './schema-kit.ts';

const PRIVACY_KINDS = ['customer.redact', 'customer.data_request', 'account.redact'] as const;

const item = Type.Object({
  id: Type.String(),
  merchantId: Type.String(),
  connectionId: NullableString,
  kind: Type.String(),
  requestId: NullableString,
  subject: JsonObject,
  result: JsonObject,
  createdAt: DateTime,
});

/** Privacy requests the hub carried out, and the data reports the merchant must hand over. */
export const privacyRequestRoutes: FastifyPluginAsyncTypebox<{ hub: Hub }> = async (app, { hub }) => {
  const privacyRequests = privacyRequestQueries(hub.db);

  app.get(
    '/api/privacy-requests',
    {
      schema: {
        summary: 'Privacy requests (erasures, data reports), newest first',
        tags: ['privacy'],
        querystring: Type.Object(
          {
            merchantId: Type.Optional(Uuid),
            kind: Type.Optional(Type.Enum(PRIVACY_KINDS)),
            ...pageQuerySchema,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(item), nextCursor: NullableString }),
        },
      },
    },
    async (request) => {
      const { page, nextCursor } = await privacyRequests.list(scopeOf(request), request.query);
      return {
        items: page.map((r) => ({
          id: r.id,
          merchantId: r.merchant_id,
          connectionId: r.connection_id,
          kind: r.kind,
          requestId: r.request_id,
          subject: r.subject,
          result: r.result,
          createdAt: r.created_at.toISOString(),
        })),
        nextCursor,
      };
    },
  );
};
