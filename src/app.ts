import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { ensureDevelopmentOperator } from './auth/dev-operator.ts';
import { apiKeyRoutes } from './http/api/api-keys.ts';
import { apiAuthentication } from './http/api/auth.ts';
import { connectionRoutes } from './http/api/connections.ts';
import { deliveryRoutes } from './http/api/deliveries.ts';
import { orderRoutes } from './http/api/orders.ts';
import { privacyRequestRoutes } from './http/api/privacy-requests.ts';
import { routingRoutes } from './http/api/routing.ts';
import { skuMapRoutes } from './http/api/sku-map.ts';
import { userRoutes } from './http/api/users.ts';
import { dashboardRoutes } from './http/dashboard/routes.ts';
import { errorHandler } from './http/errors.ts';
import { healthRoutes } from './http/health.ts';
import { installRoutes } from './http/install.ts';
import { metricsRoutes } from './http/metrics.ts';
import { csrfGuard, sessionPlugin } from './http/session/plugin.ts';
import { signInRoutes } from './http/session/sign-in.ts';
import { webhookRoutes } from './http/webhooks.ts';
import type { Hub } from './pipeline/hub.ts';

export interface AppOptions {
  hub: Hub;
  apiToken: string;
  /** The hub's public base URL, known only once it listens when the port is chosen by the OS. */
  publicUrl: () => string;
}

/**
 * Builds the HTTP app without listening (tests use `inject` or listen on port 0). Composed in a
 * fixed order: external plugins, then the documentation, then our routes.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { hub } = options;
  const timeouts = hub.config.http;
  const app = Fastify({
    loggerInstance: hub.log,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    },
    // Webhook bodies have their own limit; this one bounds the admin API.
    bodyLimit: 1_048_576,
    // A SKU map key is a path parameter: 255 characters, up to three bytes each once URL-encoded.
    routerOptions: { maxParamLength: 1024 },
    // A client that sends slowly, or opens a connection and goes silent, must not hold it forever:
    // the request (headers and body) must arrive within its timeout, and an idle kept-alive
    // connection is closed. Node checks the first two on an interval, so it is kept well below them.
    requestTimeout: timeouts.requestTimeoutMs,
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
    http: {
      requestTimeout: timeouts.requestTimeoutMs,
      headersTimeout: timeouts.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(5_000, Math.ceil(timeouts.headersTimeoutMs / 4)),
    },
    // One line per request (below), not Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    ajv: {
      customOptions: { coerceTypes: 'array', useDefaults: true, removeAdditional: false, allErrors: false },
    },
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Fulfillment connector hub',
        description: 'Webhooks in, canonical orders, routing to 3PLs, tracking and stock back out.',
        version: '0.1.0',
      },
      // Security is declared per route (below): only /api needs the bearer token.
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .send({ error: 'not_found', message: `no route for ${request.method} ${request.url.split('?')[0]}` });
  });

  await app.register(healthRoutes, { hub });
  await app.register(metricsRoutes, { metrics: hub.metrics });
  await app.register(webhookRoutes, { hub });
  await app.register(installRoutes, { hub });
  // Users, sessions and API keys: people sign in under /dashboard; /api takes token, key or session.
  await app.register(sessionPlugin, { hub, apiToken: options.apiToken });
  app.addHook('onReady', () => ensureDevelopmentOperator(hub));
  await app.register(signInRoutes, { hub });
  await app.register(dashboardRoutes, { hub });
  await app.register(async (api) => {
    api.addHook('onRequest', apiAuthentication(hub, options.apiToken));
    api.addHook(
      'preHandler',
      csrfGuard(api, (request) => request.authenticatedBy !== 'session'),
    );
    // Every route of this scope is behind the token, so the documentation says so for each of them.
    api.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, security: [{ bearer: [] }] };
    });
    await api.register(adminApiRoutes, { hub, publicUrl: options.publicUrl });
  });
  // Fastify types an app built with our pino logger by that logger's type; callers need only the
  // plain instance, which the two types do not let TypeScript see without going through unknown.
  return app as unknown as FastifyInstance;
}

/**
 * The admin API's routes, without authentication: the caller puts them behind a hook that sets
 * `request.scope` (the bearer token here; a test sets a merchant scope the same way).
 */
export async function adminApiRoutes(
  api: FastifyInstance,
  { hub, publicUrl }: { hub: Hub; publicUrl: () => string },
): Promise<void> {
  await api.register(orderRoutes, { hub });
  await api.register(deliveryRoutes, { hub });
  await api.register(privacyRequestRoutes, { hub });
  await api.register(skuMapRoutes, { hub });
  await api.register(routingRoutes, { hub });
  await api.register(connectionRoutes, { hub, publicUrl });
  await api.register(apiKeyRoutes, { hub });
  await api.register(userRoutes, { hub });
}
