import type { FastifyInstance } from 'fastify';
import type { Hub } from '../pipeline/hub.ts';
import { createInstallApi } from '../pipeline/install-api.ts';
import { ConnectorError } from '../sdk/errors.ts';

/**
 * Each connector's install flow (OAuth, key-granting screens) at `/install/<connector><path>`. The
 * body is kept raw, as some callbacks are signed over their bytes.
 */
export async function installRoutes(app: FastifyInstance, { hub }: { hub: Hub }) {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 65_536 }, (_req, body, done) =>
    done(null, body),
  );

  for (const connector of hub.registry.list()) {
    for (const route of connector.install?.routes ?? []) {
      app.route({
        method: route.method,
        url: `/install/${connector.manifest.name}${route.path}`,
        schema: {
          summary: `${connector.manifest.displayName}: install flow`,
          tags: ['install'],
          hide: false,
        },
        handler: async (request, reply) => {
          const headers: Record<string, string | undefined> = {};
          for (const [name, value] of Object.entries(request.headers))
            headers[name] = Array.isArray(value) ? value[0] : value;
          try {
            const response = await route.handler(
              {
                method: request.method,
                query: request.query as Record<string, string | undefined>,
                headers,
                rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
              },
              createInstallApi(hub, connector),
            );
            if (response.status >= 500) {
              // A connector's failure is ours: its detail goes to the log, never to the browser.
              request.log.error(
                { connector: connector.manifest.name, status: response.status, body: response.body },
                'install route failed',
              );
              return reply
                .status(response.status)
                .send({ error: 'internal_error', message: 'internal server error' });
            }
            reply.status(response.status);
            for (const [name, value] of Object.entries(response.headers ?? {})) reply.header(name, value);
            if (typeof response.body === 'string') {
              const type = response.headers?.['content-type'];
              reply.type(typeof type === 'string' ? type : 'text/html; charset=utf-8');
            }
            return reply.send(response.body ?? '');
          } catch (error) {
            if (error instanceof ConnectorError && error.errorClass === 'needs_human') {
              return reply.status(400).send({ error: error.code, message: error.message });
            }
            throw error;
          }
        },
      });
    }
  }
}
