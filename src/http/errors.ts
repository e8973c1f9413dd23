import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../db/database-errors.ts';

/** An API error body: a stable code a client can branch on, and a message a person can read. */
export const errorSchema = Type.Object({ error: Type.String(), message: Type.String() });

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (isDatabaseUnavailable(error)) {
    // Nothing was acknowledged, and it passes: the sender (a storefront's webhook retry, an API
    // client) is told to come back, not that we failed.
    request.log.warn({ err: error }, 'request failed: database unavailable');
    return reply
      .status(503)
      .header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS))
      .send({ error: 'database_unavailable', message: 'the database is unavailable; try again shortly' });
  }
  const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed');
    // The cause is in the log; the caller learns only that it was ours.
    return reply.status(status).send({ error: 'internal_error', message: 'internal server error' });
  }
  if (error.validation) {
    return reply.status(400).send({ error: 'invalid_request', message: error.message });
  }
  return reply
    .status(status)
    .send({ error: error.code?.toLowerCase() ?? 'request_error', message: error.message });
}
