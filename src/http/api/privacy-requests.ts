import type { FastifyInstance } from 'fastify';
import type { Hub } from '../../pipeline/hub.ts';
import { decodeCursor, olderThan, pageQuerySchema, toPage } from '../pagination.ts';

const item = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    merchantId: { type: 'string' },
    connectionId: { type: ['string', 'null'] },
    kind: { type: 'string' },
    requestId: { type: ['string', 'null'] },
    subject: { type: 'object', additionalProperties: true },
    result: { type: 'object', additionalProperties: true },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** Privacy requests the hub carried out, and the data reports the merchant must hand over. */
export async function privacyRequestRoutes(app: FastifyInstance, { hub }: { hub: Hub }) {
  app.get<{ Querystring: { merchantId?: string; kind?: string; limit: number; cursor?: string } }>(
    '/api/privacy-requests',
    {
      schema: {
        summary: 'Privacy requests (erasures, data reports), newest first',
        tags: ['privacy'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            merchantId: { type: 'string', format: 'uuid' },
            kind: { type: 'string', enum: ['customer.redact', 'customer.data_request', 'account.redact'] },
            ...pageQuerySchema,
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: item }, nextCursor: { type: ['string', 'null'] } },
          },
        },
      },
    },
    async (request) => {
      const { merchantId, kind, limit, cursor } = request.query;
      const after = decodeCursor(cursor);
      let query = hub.db
        .selectFrom('privacy_requests')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1);
      if (merchantId) query = query.where('merchant_id', '=', merchantId);
      if (kind) query = query.where('kind', '=', kind as 'customer.redact');
      if (after) query = query.where(olderThan('privacy_requests', 'created_at', after));
      const { page, nextCursor } = toPage(await query.execute(), limit);
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
}
