import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OPERATOR_SCOPE } from '../scope.ts';

/** Bearer-token check for the admin API, in constant time. */
export function bearerAuth(token: string) {
  const expected = Buffer.from(token);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return reply
        .status(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'unauthorized', message: 'a valid bearer token is required' });
    }
    request.scope = OPERATOR_SCOPE;
  };
}
