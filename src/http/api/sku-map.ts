import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Hub } from '../../pipeline/hub.ts';
import { enqueueReroute } from '../../pipeline/reroute-trigger.ts';
import {
  deleteSkuMapEntry,
  putSkuMapEntry,
  type SkuMapKey,
  type SkuMapRow,
} from '../../pipeline/route/sku-map-store.ts';
import { UNIDENTIFIED_LINE_POLICIES, type UnidentifiedLinePolicy } from '../../routing/resolve-lines.ts';
import { errorSchema } from '../errors.ts';
import { decodeCursor, olderThan, pageQuerySchema, toPage } from '../pagination.ts';

const uuid = { type: 'string', format: 'uuid' } as const;
// Storefront SKUs and 3PL SKUs: any text a catalogue uses, without control characters.
const skuText = {
  type: 'string',
  minLength: 1,
  maxLength: 255,
  pattern: '^[^\\u0000-\\u001f\\u007f]+$',
} as const;
// Product and variant ids as the storefront sends them (digits for Shopify and WooCommerce).
const storefrontId = {
  type: 'string',
  minLength: 1,
  maxLength: 255,
  pattern: '^[^\\s\\u0000-\\u001f\\u007f]+$',
} as const;

const entrySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['sku', 'product', 'variant'] },
    storefrontConnectionId: { type: ['string', 'null'] },
    key: { type: 'string' },
    action: { type: 'string', enum: ['map', 'do_not_ship'] },
    fulfillmentSku: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

const putBody = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['action', 'fulfillmentSku'],
      properties: { action: { const: 'map' }, fulfillmentSku: skuText },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['action'],
      properties: { action: { const: 'do_not_ship' } },
    },
  ],
} as const;

type PutBody = { action: 'map'; fulfillmentSku: string } | { action: 'do_not_ship' };

const view = (row: SkuMapRow) => ({
  id: row.id,
  kind: row.kind,
  storefrontConnectionId: row.storefront_connection_id,
  key: row.key,
  action: row.action,
  fulfillmentSku: row.fulfillment_sku,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

const notFound = (reply: FastifyReply, message: string) =>
  reply.status(404).send({ error: 'not_found', message });

/**
 * The merchant's SKU map (storefront SKU, product or variant id → 3PL SKU, or "do not ship") and
 * the policy for lines the 3PL cannot identify. Every change that may release held orders queues
 * them to be routed again, in the same transaction.
 */
export async function skuMapRoutes(app: FastifyInstance, { hub }: { hub: Hub }) {
  async function merchantExists(merchantId: string): Promise<boolean> {
    const row = await hub.db
      .selectFrom('merchants')
      .select('id')
      .where('id', '=', merchantId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async function storefrontOfMerchant(merchantId: string, connectionId: string): Promise<boolean> {
    const row = await hub.db
      .selectFrom('connections')
      .select('id')
      .where('id', '=', connectionId)
      .where('merchant_id', '=', merchantId)
      .where('role', '=', 'storefront')
      .executeTakeFirst();
    return row !== undefined;
  }

  app.get<{
    Params: { merchantId: string };
    Querystring: { kind?: SkuMapKey['kind']; limit: number; cursor?: string };
  }>(
    '/api/merchants/:merchantId/sku-map',
    {
      schema: {
        summary: "List the merchant's SKU map, newest first",
        tags: ['sku-map'],
        params: { type: 'object', required: ['merchantId'], properties: { merchantId: uuid } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { kind: { type: 'string', enum: ['sku', 'product', 'variant'] }, ...pageQuerySchema },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: entrySchema },
              nextCursor: { type: ['string', 'null'] },
            },
          },
          400: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const { merchantId } = request.params;
      if (!(await merchantExists(merchantId))) return notFound(reply, 'no such merchant');
      const { kind, limit, cursor } = request.query;
      const after = decodeCursor(cursor);
      let query = hub.db
        .selectFrom('sku_map')
        .selectAll()
        .where('merchant_id', '=', merchantId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1);
      if (kind) query = query.where('kind', '=', kind);
      if (after) query = query.where(olderThan('sku_map', 'created_at', after));
      const { page, nextCursor } = toPage(await query.execute(), limit);
      return { items: page.map(view), nextCursor };
    },
  );

  // One PUT and one DELETE per kind of key, each with its own path.
  const keyRoutes: {
    kind: SkuMapKey['kind'];
    path: string;
    params: Record<string, unknown>;
    key: (params: Record<string, string>) => SkuMapKey;
    what: string;
  }[] = [
    {
      kind: 'sku',
      path: '/api/merchants/:merchantId/sku-map/skus/:sku',
      params: { merchantId: uuid, sku: skuText },
      key: (p) => ({ kind: 'sku', storefrontConnectionId: null, key: p.sku as string }),
      what: 'a storefront SKU (every storefront of the merchant)',
    },
    {
      kind: 'product',
      path: '/api/merchants/:merchantId/sku-map/connections/:connectionId/products/:productId',
      params: { merchantId: uuid, connectionId: uuid, productId: storefrontId },
      key: (p) => ({
        kind: 'product',
        storefrontConnectionId: p.connectionId as string,
        key: p.productId as string,
      }),
      what: "every variant of one storefront's product",
    },
    {
      kind: 'variant',
      path: '/api/merchants/:merchantId/sku-map/connections/:connectionId/variants/:variantId',
      params: { merchantId: uuid, connectionId: uuid, variantId: storefrontId },
      key: (p) => ({
        kind: 'variant',
        storefrontConnectionId: p.connectionId as string,
        key: p.variantId as string,
      }),
      what: "one storefront's product variant",
    },
  ];

  for (const route of keyRoutes) {
    const params = {
      type: 'object',
      required: Object.keys(route.params),
      properties: route.params,
    };
    // Sends the 404 and says so. (A FastifyReply is thenable, so it cannot be awaited as a value.)
    const refusedScope = async (
      merchantId: string,
      key: SkuMapKey,
      reply: FastifyReply,
    ): Promise<boolean> => {
      if (!(await merchantExists(merchantId))) {
        notFound(reply, 'no such merchant');
        return true;
      }
      if (
        key.storefrontConnectionId &&
        !(await storefrontOfMerchant(merchantId, key.storefrontConnectionId))
      ) {
        notFound(reply, 'no such storefront connection for this merchant');
        return true;
      }
      return false;
    };

    app.put<{ Params: Record<string, string>; Body: PutBody }>(
      route.path,
      {
        schema: {
          summary: `Map ${route.what} to a 3PL SKU, or mark it "do not ship"`,
          description:
            'Creates or replaces the entry. Every order held for a line this entry names is routed again. A variant entry wins over a SKU entry, which wins over a product entry.',
          tags: ['sku-map'],
          params,
          body: putBody,
          response: {
            200: {
              type: 'object',
              properties: { entry: entrySchema, reroute: { type: 'string', enum: ['queued'] } },
            },
            400: errorSchema,
            404: errorSchema,
          },
        },
      },
      async (request, reply) => {
        const merchantId = request.params.merchantId as string;
        const key = route.key(request.params);
        if (await refusedScope(merchantId, key, reply)) return reply;
        const body = request.body;
        const action =
          body.action === 'map'
            ? { kind: 'map' as const, fulfillmentSku: body.fulfillmentSku }
            : { kind: 'do_not_ship' as const };
        const row = await hub.db.transaction().execute(async (trx) => {
          const stored = await putSkuMapEntry(trx, merchantId, key, action);
          await enqueueReroute(hub.boss, trx, merchantId, { kind: 'sku_map', entry: key });
          return stored;
        });
        return { entry: view(row), reroute: 'queued' };
      },
    );

    app.delete<{ Params: Record<string, string> }>(
      route.path,
      {
        schema: {
          summary: `Remove the SKU map entry for ${route.what}`,
          description:
            'Orders already routed keep what they were sent as; later orders use the storefront SKU.',
          tags: ['sku-map'],
          params,
          response: { 204: { type: 'null' }, 400: errorSchema, 404: errorSchema },
        },
      },
      async (request, reply) => {
        const merchantId = request.params.merchantId as string;
        const key = route.key(request.params);
        if (await refusedScope(merchantId, key, reply)) return reply;
        if (!(await deleteSkuMapEntry(hub.db, merchantId, key)))
          return notFound(reply, 'no such SKU map entry');
        return reply.status(204).send();
      },
    );
  }

  const policySchema = {
    type: 'object',
    properties: { unidentifiedLines: { type: 'string', enum: [...UNIDENTIFIED_LINE_POLICIES] } },
  } as const;
  const policyDescription =
    'What routing does with lines the 3PL cannot identify (no SKU, or a SKU it does not stock, after the SKU map): hold (the whole order waits; the default), ship_rest (the identifiable lines ship now, the rest waits as a held part), skip (the identifiable lines ship, the rest is left out with a note on the order). An order with nothing identifiable is always held.';

  app.get<{ Params: { merchantId: string } }>(
    '/api/merchants/:merchantId/line-policy',
    {
      schema: {
        summary: 'The policy for lines the 3PL cannot identify',
        description: policyDescription,
        tags: ['sku-map'],
        params: { type: 'object', required: ['merchantId'], properties: { merchantId: uuid } },
        response: { 200: policySchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const row = await hub.db
        .selectFrom('merchants')
        .select('unidentified_line_policy')
        .where('id', '=', request.params.merchantId)
        .executeTakeFirst();
      if (!row) return notFound(reply, 'no such merchant');
      return { unidentifiedLines: row.unidentified_line_policy };
    },
  );

  app.put<{ Params: { merchantId: string }; Body: { unidentifiedLines: UnidentifiedLinePolicy } }>(
    '/api/merchants/:merchantId/line-policy',
    {
      schema: {
        summary: 'Set the policy for lines the 3PL cannot identify',
        description: `${policyDescription} Orders held for unidentified lines are routed again under the new policy.`,
        tags: ['sku-map'],
        params: { type: 'object', required: ['merchantId'], properties: { merchantId: uuid } },
        body: { ...policySchema, required: ['unidentifiedLines'], additionalProperties: false },
        response: { 200: policySchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const { merchantId } = request.params;
      const policy = request.body.unidentifiedLines;
      const updated = await hub.db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('merchants')
          .set({ unidentified_line_policy: policy })
          .where('id', '=', merchantId)
          .returning('id')
          .executeTakeFirst();
        if (row) await enqueueReroute(hub.boss, trx, merchantId, { kind: 'policy' });
        return row !== undefined;
      });
      if (!updated) return notFound(reply, 'no such merchant');
      return { unidentifiedLines: policy };
    },
  );
}
