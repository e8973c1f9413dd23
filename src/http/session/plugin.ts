import { hkdfSync } from 'node:crypto';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import session from '@fastify/session';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DatabaseSessionStore } from '../../auth/session-store.ts';
import { findUser, type User } from '../../auth/users.ts';
import type { Hub } from '../../pipeline/hub.ts';

declare module 'fastify' {
  interface Session {
    /** Set once the person has signed in; an anonymous session holds only its CSRF secret. */
    userId?: string;
  }
}

export const SESSION_COOKIE = 'hub_session';
/** A session lasts a working day from sign-in; signing in again starts a new one. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Cookie sessions for people (the dashboard, and the admin API from the dashboard), on
 * @fastify/session with the sessions in the hub's database rather than @fastify/secure-session's
 * self-contained cookie: a stateless cookie cannot be revoked before it expires, and revocation
 * (sign-out, "sign this user out everywhere") is required. The cookie holds only a random id,
 * signed with a key derived from the operator token; CSRF tokens live in the session.
 */
export const sessionPlugin = fp(
  async (app: FastifyInstance, { hub, apiToken }: { hub: Hub; apiToken: string }) => {
    const secret = Buffer.from(
      hkdfSync('sha256', apiToken, 'fulfillment-hub', 'session-cookie-signing', 32),
    ).toString('hex');
    await app.register(cookie);
    await app.register(session, {
      secret,
      cookieName: SESSION_COOKIE,
      store: new DatabaseSessionStore(hub.db, SESSION_TTL_MS),
      // No row for a visitor who has done nothing; a row once a CSRF secret or a user is stored.
      saveUninitialized: false,
      // Expiry counts from sign-in, not from the last request.
      rolling: false,
      cookie: {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: hub.config.env === 'production',
        maxAge: SESSION_TTL_MS,
      },
    });
    await app.register(csrf, { sessionPlugin: '@fastify/session' });
  },
  { name: 'hub-session' },
);

/** True when the request came with our session cookie (whether or not it is still valid). */
export const hasSessionCookie = (request: FastifyRequest) =>
  typeof request.cookies[SESSION_COOKIE] === 'string';

/** The signed-in user of this request's session, or null (anonymous, expired, revoked, or deleted). */
export async function sessionUser(hub: Hub, request: FastifyRequest): Promise<User | null> {
  const userId = request.session.get('userId');
  if (!userId) return null;
  return findUser(hub.db, userId);
}

/**
 * A preHandler hook refusing (403) a state-changing request made with a session cookie that does not
 * carry the session's CSRF token (header `x-csrf-token` or form field `_csrf`). A preHandler, so a
 * form's body is parsed. Requests with a bearer token carry no ambient credential and need none:
 * `skip` tells which those are.
 */
export function csrfGuard(app: FastifyInstance, skip: (request: FastifyRequest) => boolean = () => false) {
  return (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (!STATE_CHANGING.has(request.method) || !hasSessionCookie(request) || skip(request)) return done();
    app.csrfProtection(request, reply, done);
  };
}
