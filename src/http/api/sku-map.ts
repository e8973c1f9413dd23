import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { type TProperties, Type } from 'typebox';
import type { Hub } from '../../pipeline/hub.ts';
import { enqueueReroute } from '../../pipeline/reroute-trigger.ts';
import {
  deleteSkuMapEntry,
  putSkuMapEntry,
  type SkuMapKey,
  type SkuMapRow,
} from '../../pipeline/route/sku-map-store.ts';
import { connectionQueries } from '../../queries/connections.ts';
import { merchantQueries } from '../../queries/merchants.ts';
import { skuMapQueries } from '../../queries/sku-map.ts';
import { UNIDENTIFIED_LINE_POLICIES } from '../../routing/resolve-lines.ts';
import { errorSchema } from '../errors.ts';
import { pageQuerySchema } from '../pagination.ts';
import { type MerchantScope, scopeOf } from '../scope.ts';
import { DateTime, NullableString, Uuid } from './schema-kit.ts';

// Storefront SKUs and 3PL SKUs: any text a catalogue uses, without control characters.
const skuText = Type.String({ minLength: 1, maxLength: 255, pattern: '^[^\\u0000-\\u001f\\u007f]+$' });
// Product and variant ids as the storefront sends them (digits for Shopify and WooCommerce).
const storefrontId = Type.String({
  minLength: 1,
  maxLength: 255,
  pattern: '^[^\\s\\u0000-\\u001f\\u007f]+$',
});
const kindSchema = Type.Enum(['sku', 'product', 'variant'] as const);
const merchantParams = Type.Object({ merchantId: Uuid });

const entrySchema = Type.Object({
  id: Type.String(),
  kind: kindSchema,
  storefrontConnectionId: NullableString,
  key: Type.String(),
  action: Type.Enum(['map', 'do_not_ship'] as const),
  fulfillmentSku: NullableString,
  createdAt: DateTime,
  updatedAt: DateTime,
});

const putBody = Type.Union([
  Type.Object({ action: Type.Literal('map'), fulfillmentSku: skuText }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('do_not_ship') }, { additionalProperties: false }),
]);

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

/** One PUT and one DELETE per kind of key, each with its own path. */
interface KeyRoute {
  path: string;
  params: TProperties;
  key: (params: Record<string, unknown>) => SkuMapKey;
  what: string;
}

const keyRoutes: KeyRoute[] = [
  {
    path: '/api/merchants/:merchantId/sku-map/skus/:sku',
    params: { merchantId: Uuid, sku: skuText },
    key: (p) => ({ kind: 'sku', storefrontConnectionId: null, key: String(p.sku) }),
    what: 'a storefront SKU (every storefront of the merchant)',
  },
  {
    path: '/api/merchants/:merchantId/sku-map/connections/:connectionId/products/:productId',
    params: { merchantId: Uuid, connectionId: Uuid, productId: storefrontId },
    key: (p) => ({
      kind: 'product',
      storefrontConnectionId: String(p.connectionId),
      key: String(p.productId),
    }),
    what: "every variant of one storefront's product",
  },
  {
    path: '/api/merchants/:merchantId/sku-map/connections/:connectionId/variants/:variantId',
    params: { merchantId: Uuid, connectionId: Uuid, variantId: storefrontId },
    key: (p) => ({
      kind: 'variant',
      storefrontConnectionId: String(p.connectionId),
      key: String(p.variantId),
    }),
    what: "one storefront's product variant",
  },
];

/**
 * The merchant's SKU map (storefront SKU, product or variant id → 3PL SKU, or "do not ship") and
 * the policy for lines the 3PL cannot identify. Every change that may release held orders queues
 * them to be routed again, in the same transaction.
 */
export const skuMapRoutes: FastifyPluginAsyncTypebox<{ hub: Hub }> = async (app, { hub }) => {
  const merchants = merchantQueries(hub.db);
  const connections = connectionQueries(hub.db);
  const skuMap = skuMapQueries(hub.db);

  /** Why the entry is out of the scope's reach (merchant, then storefront), or null when it is not. */
  const outOfReach = async (scope: MerchantScope, merchantId: string, key: SkuMapKey) => {
    if (!(await merchants.exists(scope, merchantId))) return 'no such merchant';
    if (
      key.storefrontConnectionId &&
      !(await connections.isStorefrontOf(scope, merchantId, key.storefrontConnectionId))
    )
      return 'no such storefront connection for this merchant';
    return null;
  };

  app.get(
    '/api/merchants/:merchantId/sku-map',
    {
      schema: {
        summary: "List the merchant's SKU map, newest first",
        tags: ['sku-map'],
        params: merchantParams,
        querystring: Type.Object(
          { kind: Type.Optional(kindSchema), ...pageQuerySchema },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(entrySchema), nextCursor: NullableString }),
          400: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const { merchantId } = request.params;
      if (!(await merchants.exists(scope, merchantId))) return notFound(reply, 'no such merchant');
      const { page, nextCursor } = await skuMap.list(scope, merchantId, request.query);
      return { items: page.map(view), nextCursor };
    },
  );

  for (const route of keyRoutes) {
    const params = Type.Object(route.params);

    app.put(
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
            200: Type.Object({ entry: entrySchema, reroute: Type.Literal('queued') }),
            400: errorSchema,
            404: errorSchema,
          },
        },
      },
      async (request, reply) => {
        const merchantId = String(request.params.merchantId);
        const key = route.key(request.params);
        const refusal = await outOfReach(scopeOf(request), merchantId, key);
        if (refusal) return notFound(reply, refusal);
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
        return { entry: view(row), reroute: 'queued' as const };
      },
    );

    app.delete(
      route.path,
      {
        schema: {
          summary: `Remove the SKU map entry for ${route.what}`,
          description:
            'Orders already routed keep what they were sent as; later orders use the storefront SKU.',
          tags: ['sku-map'],
          params,
          response: { 204: Type.Null(), 400: errorSchema, 404: errorSchema },
        },
      },
      async (request, reply) => {
        const merchantId = String(request.params.merchantId);
        const key = route.key(request.params);
        const refusal = await outOfReach(scopeOf(request), merchantId, key);
        if (refusal) return notFound(reply, refusal);
        if (!(await deleteSkuMapEntry(hub.db, merchantId, key)))
          return notFound(reply, 'no such SKU map entry');
        return reply.status(204).send(null);
      },
    );
  }

  const policySchema = Type.Object({ unidentifiedLines: Type.Enum(UNIDENTIFIED_LINE_POLICIES) });
  const policyDescription =
    'What routing does with lines the 3PL cannot identify (no SKU, or a SKU it does not stock, after the SKU map): hold (the whole order waits; the default), ship_rest (the identifiable lines ship now, the rest waits as a held part), skip (the identifiable lines ship, the rest is left out with a note on the order). An order with nothing identifiable is always held.';

  app.get(
    '/api/merchants/:merchantId/line-policy',
    {
      schema: {
        summary: 'The policy for lines the 3PL cannot identify',
        description: policyDescription,
        tags: ['sku-map'],
        params: merchantParams,
        response: { 200: policySchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const policy = await merchants.linePolicy(scopeOf(request), request.params.merchantId);
      if (!policy) return notFound(reply, 'no such merchant');
      return { unidentifiedLines: policy };
    },
  );

  app.put(
    '/api/merchants/:merchantId/line-policy',
    {
      schema: {
        summary: 'Set the policy for lines the 3PL cannot identify',
        description: `${policyDescription} Orders held for unidentified lines are routed again under the new policy.`,
        tags: ['sku-map'],
        params: merchantParams,
        body: Type.Object(policySchema.properties, { additionalProperties: false }),
        response: { 200: policySchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const { merchantId } = request.params;
      const policy = request.body.unidentifiedLines;
      const updated = await hub.db.transaction().execute(async (trx) => {
        const changed = await merchants.setLinePolicy(scope, merchantId, policy, trx);
        if (changed) await enqueueReroute(hub.boss, trx, merchantId, { kind: 'policy' });
        return changed;
      });
      if (!updated) return notFound(reply, 'no such merchant');
      return { unidentifiedLines: policy };
    },
  );
};
