import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { migrationsPending } from '../db/migrate.ts';
import type { Hub } from '../pipeline/hub.ts';

// A probe must answer within its own timeout, even when every pooled connection is busy or the
// server does not answer at all.
const READINESS_DEADLINE_MS = 3_000;

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the database within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

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
        const pending = await withDeadline(
          (async () => {
            await sql`select 1`.execute(hub.db);
            return migrationsPending(hub.db);
          })(),
          READINESS_DEADLINE_MS,
        );
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
