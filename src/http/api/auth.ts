import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { looksLikeApiKey, merchantOfApiKey } from '../../auth/api-keys.ts';
import { scopeOfUser } from '../../auth/users.ts';
import type { Hub } from '../../pipeline/hub.ts';
import { OPERATOR_SCOPE } from '../scope.ts';
import { hasSessionCookie, sessionUser } from '../session/plugin.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** How the admin API authenticated this request; a session needs a CSRF token to change things. */
    authenticatedBy?: 'operator_token' | 'api_key' | 'session';
    /** The signed-in user, for requests authenticated by a session. */
    userId?: string;
  }
}

const unauthorized = (reply: FastifyReply) =>
  reply
    .status(401)
    .header('www-authenticate', 'Bearer')
    .send({ error: 'unauthorized', message: 'a valid bearer token, API key or session is required' });

/**
 * The admin API's authentication: the operator token (operator scope), a merchant's API key
 * (that merchant's scope), or a signed-in session (the user's role decides). A bearer given and
 * wrong is refused even when a session cookie is there too: a client never gets a scope it did not ask for.
 */
export function apiAuthentication(hub: Hub, token: string) {
  const expected = Buffer.from(token);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const bearer = header.startsWith('Bearer ') ? header.slice(7) : '';
      const given = Buffer.from(bearer);
      if (given.length === expected.length && timingSafeEqual(given, expected)) {
        request.scope = OPERATOR_SCOPE;
        request.authenticatedBy = 'operator_token';
        return;
      }
      const merchantId = looksLikeApiKey(bearer) ? await merchantOfApiKey(hub.db, bearer) : null;
      if (!merchantId) return unauthorized(reply);
      request.scope = { kind: 'merchant', merchantId };
      request.authenticatedBy = 'api_key';
      return;
    }
    if (!hasSessionCookie(request)) return unauthorized(reply);
    const user = await sessionUser(hub, request);
    if (!user) return unauthorized(reply);
    request.scope = scopeOfUser(user);
    request.authenticatedBy = 'session';
    request.userId = user.id;
  };
}
