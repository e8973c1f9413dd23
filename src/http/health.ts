import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { migrationsPending } from '../db/migrate.ts';
import type { Hub } from '../pipeline/hub.ts';

export async function healthRoutes(app: FastifyInstance, { hub }: { hub: Hub }) {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'The process is up',
        tags: ['health'],
        response: { 200: { type: 'object', properties: { status: { type: 'string' } } } },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'The database is reachable and fully migrated',
        tags: ['health'],
        response: {
          200: {
            type: 'object',
            properties: { status: { type: 'string' }, pendingMigrations: { type: 'integer' } },
          },
          503: { type: 'object', properties: { status: { type: 'string' }, reason: { type: 'string' } } },
        },
      },
    },
    async (request, reply) => {
      try {
        await sql`select 1`.execute(hub.db);
        const pending = await migrationsPending(hub.db);
        if (pending > 0)
          return reply.status(503).send({ status: 'not_ready', reason: `${pending} migrations pending` });
        return { status: 'ready', pendingMigrations: 0 };
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed');
        return reply.status(503).send({ status: 'not_ready', reason: 'database unreachable' });
      }
    },
  );
}
