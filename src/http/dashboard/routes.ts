import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { scopeOfUser, type User } from '../../auth/users.ts';
import type { Connection } from '../../db/types.ts';
import { ORDER_STATES } from '../../domain/order-state.ts';
import type { Hub } from '../../pipeline/hub.ts';
import { connectionQueries } from '../../queries/connections.ts';
import { fulfillmentConnectionsOf, orderTimeline } from '../../queries/order-timeline.ts';
import { orderQueries } from '../../queries/orders.ts';
import { orderDetailView } from '../api/order-views.ts';
import { Uuid } from '../api/schema-kit.ts';
import { pageQuerySchema } from '../pagination.ts';
import type { MerchantScope } from '../scope.ts';
import { csrfGuard, sessionUser } from '../session/plugin.ts';
import type { SafeHtml } from './html.ts';
import { layout } from './layout.ts';
import { liveEvents } from './live.ts';
import { notFoundBody, orderBody, orderSection } from './order-page.ts';
import { type OrdersQuery, ordersBody, ordersSection } from './orders-page.ts';

const ASSETS = ['/htmx.min.js', '/live.js', '/dashboard.css'];
const htmxDist = dirname(createRequire(import.meta.url).resolve('htmx.org'));
const ownAssets = join(dirname(fileURLToPath(import.meta.url)), 'assets');

const ordersQuerystring = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    // The form's "Any" sends an empty state.
    status: Type.Optional(Type.Union([Type.Enum(ORDER_STATES), Type.Literal('')])),
    cursor: pageQuerySchema.cursor,
  },
  { additionalProperties: false },
);

/** Fixed texts for the retry outcomes the order page is redirected back with. */
const RETRY_NOTICES: Record<string, string> = {
  queued: 'Retry queued.',
  already_queued: 'A retry of this order is already waiting to run.',
  refused: 'Nothing to retry: the order is not in a state a retry can change.',
};

const send = (reply: FastifyReply, status: number, page: SafeHtml) =>
  reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page.text);

/**
 * The dashboard's pages under /dashboard: server-rendered HTML from the same query modules and
 * views as the admin API, scoped by the signed-in user exactly as the API scopes a session.
 * htmx and our small live script are served from node_modules and this folder (no CDN).
 */
export const dashboardRoutes: FastifyPluginAsyncTypebox<{ hub: Hub }> = async (app, { hub }) => {
  await app.register(helmet);
  await app.register(formbody, { bodyLimit: 4096 });
  app.addHook('preHandler', csrfGuard(app));
  await app.register(fastifyStatic, {
    root: [htmxDist, ownAssets],
    prefix: '/dashboard/assets/',
    allowedPath: (pathName) => ASSETS.includes(pathName),
    index: false,
    list: false,
    schemaHide: true,
  });

  const orders = orderQueries(hub.db);
  const connections = connectionQueries(hub.db);
  const live = liveEvents(app, hub);

  /** The signed-in user and their scope; a signed-out visitor is sent to the sign-in page. */
  async function signedIn(request: FastifyRequest, reply: FastifyReply) {
    const user = await sessionUser(hub, request);
    if (!user) {
      await reply.redirect('/dashboard/sign-in', 303);
      return null;
    }
    return { user, scope: scopeOfUser(user) };
  }

  const connectionsOf = async (scope: MerchantScope) =>
    new Map<string, Connection>((await connections.list(scope, {})).map((c) => [c.id, c]));

  async function ordersView(scope: MerchantScope, query: OrdersQuery) {
    const filter = { search: query.q, status: query.status || undefined };
    const [{ page, nextCursor }, count, byId] = await Promise.all([
      orders.list(scope, { ...filter, limit: 50, cursor: query.cursor }),
      orders.count(scope, filter),
      connectionsOf(scope),
    ]);
    const fulfillmentOf = await fulfillmentConnectionsOf(
      hub.db,
      page.map((o) => o.id),
    );
    return { query, rows: page, count, nextCursor, connections: byId, fulfillmentOf };
  }

  const page = (user: User, reply: FastifyReply, title: string, body: SafeHtml) =>
    layout({ title, user, csrfToken: reply.generateCsrf(), body });

  app.get(
    '/dashboard/orders',
    { schema: { hide: true, querystring: ordersQuerystring } },
    async (request, reply) => {
      const who = await signedIn(request, reply);
      if (!who) return reply;
      const query = { ...request.query, status: request.query.status || undefined };
      return send(
        reply,
        200,
        page(who.user, reply, 'Orders', ordersBody(await ordersView(who.scope, query))),
      );
    },
  );

  app.get(
    '/dashboard/orders/rows',
    { schema: { hide: true, querystring: ordersQuerystring } },
    async (request, reply) => {
      const who = await signedIn(request, reply);
      if (!who) return reply;
      const query = { ...request.query, status: request.query.status || undefined };
      return send(reply, 200, ordersSection(await ordersView(who.scope, query)));
    },
  );

  async function orderParts(scope: MerchantScope, id: string) {
    const detail = await orders.detail(scope, id);
    if (!detail) return undefined;
    const [order, timeline, byId] = await Promise.all([
      orderDetailView(hub.db, detail),
      orderTimeline(hub.db, scope, id),
      connectionsOf(scope),
    ]);
    return { order, timeline: timeline ?? [], connections: byId };
  }

  const orderParams = Type.Object({ id: Uuid });

  app.get(
    '/dashboard/orders/:id',
    {
      schema: {
        hide: true,
        params: orderParams,
        querystring: Type.Object(
          { retry: Type.Optional(Type.Enum(Object.keys(RETRY_NOTICES))) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const who = await signedIn(request, reply);
      if (!who) return reply;
      const parts = await orderParts(who.scope, request.params.id);
      if (!parts) return send(reply, 404, page(who.user, reply, 'Not found', notFoundBody()));
      const notice = request.query.retry ? RETRY_NOTICES[request.query.retry] : undefined;
      const csrfToken = reply.generateCsrf();
      return send(
        reply,
        200,
        layout({
          title: `Order ${parts.order.name ?? parts.order.sourceOrderId}`,
          user: who.user,
          csrfToken,
          body: orderBody({ ...parts, csrfToken, notice }),
        }),
      );
    },
  );

  app.get(
    '/dashboard/orders/:id/live',
    { schema: { hide: true, params: orderParams } },
    async (request, reply) => {
      const who = await signedIn(request, reply);
      if (!who) return reply;
      const parts = await orderParts(who.scope, request.params.id);
      if (!parts) return reply.status(404).type('text/html; charset=utf-8').send('<p>Not found</p>');
      return send(reply, 200, orderSection(parts.order, parts.timeline, parts.connections));
    },
  );

  // The retry goes through the admin API itself (as this session, with its CSRF token), so the
  // dashboard runs the very same checks and tenant scope as a curl user.
  app.post(
    '/dashboard/orders/:id/retry',
    {
      schema: {
        hide: true,
        params: orderParams,
        body: Type.Object({ _csrf: Type.String({ maxLength: 256 }) }),
      },
    },
    async (request, reply) => {
      const who = await signedIn(request, reply);
      if (!who) return reply;
      const answer = await app.inject({
        method: 'POST',
        url: `/api/orders/${request.params.id}/retry`,
        headers: { cookie: request.headers.cookie ?? '', 'x-csrf-token': request.body._csrf },
      });
      if (answer.statusCode === 404)
        return send(reply, 404, page(who.user, reply, 'Not found', notFoundBody()));
      const outcome =
        answer.statusCode === 202 ? 'queued' : answer.statusCode === 200 ? 'already_queued' : 'refused';
      if (answer.statusCode >= 500)
        throw new Error(`retry through the admin API answered ${answer.statusCode}`);
      return reply.redirect(`/dashboard/orders/${request.params.id}?retry=${outcome}`, 303);
    },
  );

  app.get('/dashboard/events', { schema: { hide: true } }, async (request, reply) => {
    const who = await signedIn(request, reply);
    if (!who) return reply;
    live(who.scope, reply);
    return reply;
  });
};
