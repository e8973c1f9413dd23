import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Hub } from '../../pipeline/hub.ts';
import { merchantQueries } from '../../queries/merchants.ts';
import {
  connectionIdsOf,
  engineRuleSet,
  routingRuleQueries,
  type StoredRuleSet,
  simulationLocations,
  simulationOrders,
} from '../../queries/routing.ts';
import { simulateRouting } from '../../routing/simulate.ts';
import {
  checkRuleSetReferences,
  type RuleSetError,
  type RuleSetValidation,
  validateRuleSet,
} from '../../routing/validate-rule-set.ts';
import { errorSchema } from '../errors.ts';
import { actorOf, scopeOf } from '../scope.ts';
import {
  invalidRulesSchema,
  liveRuleSetSchema,
  merchantParams,
  ruleSetDefinitionBody,
  simulateBody,
  simulationReportSchema,
  storedRuleSetSchema,
  versionParams,
} from './routing-schemas.ts';

const DEFAULT_SIMULATION_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

const view = (stored: StoredRuleSet) => ({
  merchantId: stored.merchantId,
  version: stored.version,
  definition: stored.definition,
  createdAt: stored.createdAt.toISOString(),
  createdBy: stored.createdBy,
});

const notFound = (reply: FastifyReply, message: string) =>
  reply.status(404).send({ error: 'not_found', message });

/** Answers 400 with every problem, each path a JSON pointer into the body (under `prefix`). */
function invalidRules(reply: FastifyReply, errors: RuleSetError[], prefix = '') {
  const located = errors.map((error) => ({ path: `${prefix}${error.path}`, message: error.message }));
  const message = located.map((error) => `${error.path || '/'}: ${error.message}`).join('; ');
  return reply.status(400).send({ error: 'invalid_rules', message, errors: located });
}

/** A location id a rule names: `…/locationIds/N`, `…/ranking/N`, `/costs/rows/N/locationId`. */
const LOCATION_PATH = /\/(locationIds|ranking)\/\d+$|\/locationId$/;

/**
 * The schema, then the ids the rule set names: connection ids must be this merchant's. Location
 * ids are not checked yet: the merchant's locations are only known from stock rows, and a rule may
 * rightly name a location whose first stock has not arrived.
 */
async function validateForMerchant(
  db: Hub['db'],
  merchantId: string,
  input: unknown,
): Promise<RuleSetValidation> {
  const validation = validateRuleSet(input);
  if (!validation.ok) return validation;
  const connections = await connectionIdsOf(db, merchantId);
  const errors = checkRuleSetReferences(validation.value, {
    locationIds: [],
    fulfillmentConnectionIds: connections.fulfillment,
    storefrontConnectionIds: connections.storefront,
  }).filter((error) => !LOCATION_PATH.test(error.path));
  return errors.length > 0 ? { ok: false, errors } : validation;
}

/** Who stored a version, for its audit: the signed-in user, or how the request authenticated. */
const storedBy = actorOf;

/**
 * A merchant's routing rules, versioned (every change is a new immutable version; the highest is
 * live), and the simulation of a candidate rule set over the merchant's stored orders.
 */
export const routingRoutes: FastifyPluginAsyncTypebox<{ hub: Hub }> = async (app, { hub }) => {
  const merchants = merchantQueries(hub.db);
  const ruleSets = routingRuleQueries(hub.db);

  app.get(
    '/api/merchants/:merchantId/routing-rules',
    {
      schema: {
        summary: "The merchant's live routing rules",
        tags: ['routing'],
        params: merchantParams,
        response: { 200: liveRuleSetSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const { merchantId } = request.params;
      if (!(await merchants.exists(scope, merchantId))) return notFound(reply, 'no such merchant');
      const live = await ruleSets.live(scope, merchantId);
      return { ruleSet: live ? view(live) : null };
    },
  );

  app.put(
    '/api/merchants/:merchantId/routing-rules',
    {
      schema: {
        summary: "Store a new version of the merchant's routing rules; it becomes live",
        description:
          'Validated by the routing engine: a bad rule set is answered 400 with every field that is wrong, by JSON pointer. Every accepted PUT is a new immutable version; orders record the version they were routed with.',
        tags: ['routing'],
        params: merchantParams,
        body: ruleSetDefinitionBody,
        response: { 200: storedRuleSetSchema, 400: invalidRulesSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const { merchantId } = request.params;
      if (!(await merchants.exists(scope, merchantId))) return notFound(reply, 'no such merchant');
      const validation = await validateForMerchant(hub.db, merchantId, request.body);
      if (!validation.ok) return invalidRules(reply, validation.errors);
      const stored = await ruleSets.create(scope, merchantId, validation.value, storedBy(request));
      if (!stored) return notFound(reply, 'no such merchant');
      return view(stored);
    },
  );

  app.get(
    '/api/merchants/:merchantId/routing-rules/versions',
    {
      schema: {
        summary: "Every version of the merchant's routing rules, newest first",
        tags: ['routing'],
        params: merchantParams,
        response: {
          200: Type.Object({ items: Type.Array(storedRuleSetSchema) }),
          400: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const { merchantId } = request.params;
      if (!(await merchants.exists(scope, merchantId))) return notFound(reply, 'no such merchant');
      return { items: (await ruleSets.versions(scope, merchantId)).map(view) };
    },
  );

  app.get(
    '/api/merchants/:merchantId/routing-rules/versions/:version',
    {
      schema: {
        summary: "One version of the merchant's routing rules",
        tags: ['routing'],
        params: versionParams,
        response: { 200: storedRuleSetSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const { merchantId, version } = request.params;
      const stored = await ruleSets.version(scopeOf(request), merchantId, version);
      if (!stored) return notFound(reply, 'no such rule set version for this merchant');
      return view(stored);
    },
  );

  app.post(
    '/api/routing/simulate',
    {
      schema: {
        summary: "Simulate a candidate rule set over the merchant's stored orders, against today's stock",
        description: `Routes every order placed in [from, to) (default: the last ${DEFAULT_SIMULATION_DAYS} days) with the candidate and with the live rules, without side effects, and answers per-location counts, splits, holds by reason, and the orders whose destination would change. The candidate is validated like PUT /api/merchants/:merchantId/routing-rules (paths point into this body, under /rules).`,
        tags: ['routing'],
        body: simulateBody,
        response: { 200: simulationReportSchema, 400: invalidRulesSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const { merchantId, consumeStock } = request.body;
      if (!(await merchants.exists(scope, merchantId))) return notFound(reply, 'no such merchant');
      const validation = await validateForMerchant(hub.db, merchantId, request.body.rules);
      if (!validation.ok) return invalidRules(reply, validation.errors, '/rules');
      const to = request.body.to ? new Date(request.body.to) : new Date();
      const from = request.body.from
        ? new Date(request.body.from)
        : new Date(to.getTime() - DEFAULT_SIMULATION_DAYS * DAY_MS);
      if (from.getTime() >= to.getTime())
        return invalidRules(reply, [{ path: '/from', message: 'must be before to' }]);
      const [live, { orders, truncated }, locations] = await Promise.all([
        ruleSets.live(scope, merchantId),
        simulationOrders(hub.db, merchantId, { from, to }),
        simulationLocations(hub.db, merchantId),
      ]);
      const report = simulateRouting({
        // The candidate has no version yet; 0 marks it as not stored.
        candidate: { version: 0, definition: validation.value },
        live: engineRuleSet(live),
        orders,
        locations,
        ...(consumeStock === undefined ? {} : { consumeStock }),
      });
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        liveVersion: live?.version ?? null,
        truncated,
        ...report,
      };
    },
  );
};
