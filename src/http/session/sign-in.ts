import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { authenticate, type User } from '../../auth/users.ts';
import type { Hub } from '../../pipeline/hub.ts';
import { csrfGuard, sessionUser } from './plugin.ts';

/** How many sign-in attempts (right or wrong) one address, and one account, may make in a window. */
export const SIGN_IN_LIMITS = {
  perAddress: { max: 10, timeWindow: 60_000 },
  perAccount: { max: 10, timeWindow: 15 * 60_000 },
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A whole page: no script, no external asset, so helmet's strict default policy holds. */
const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Fulfillment hub</title>
<style>body{font:16px system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}
label,input,button{display:block;width:100%;margin:.25rem 0 .75rem;font:inherit}
.error{color:#a00}</style></head>
<body><main>${body}</main></body></html>`;

const signInPage = (csrfToken: string, error?: string, email = '') =>
  page(
    'Sign in',
    `<h1>Sign in</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/dashboard/sign-in">
<input type="hidden" name="_csrf" value="${escapeHtml(csrfToken)}">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(email)}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`,
  );

const homePage = (user: User, csrfToken: string) =>
  page(
    'Dashboard',
    `<h1>Fulfillment hub</h1>
<p>Signed in as <strong>${escapeHtml(user.email)}</strong> (${user.role === 'operator' ? 'operator' : 'merchant member'}).</p>
<p><a href="/dashboard/orders">Orders</a></p>
<form method="post" action="/dashboard/sign-out">
<input type="hidden" name="_csrf" value="${escapeHtml(csrfToken)}">
<button type="submit">Sign out</button>
</form>`,
  );

const html = (reply: FastifyReply, status: number, body: string) =>
  reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);

/**
 * Sign-in and sign-out under /dashboard: a plain HTML form, so a person can get a session. The
 * dashboard's pages come later and live in this scope (helmet's headers, CSRF on every form).
 */
export const signInRoutes: FastifyPluginAsyncTypebox<{ hub: Hub }> = async (app, { hub }) => {
  await app.register(helmet);
  await app.register(formbody, { bodyLimit: 4096 });
  app.addHook('preHandler', csrfGuard(app));

  // Two limits on one route need two registrations of the plugin: one registration runs at most one
  // limit per request. Counters are in memory, per process.
  await app.register(rateLimit, { global: false });
  const perAddress = app.rateLimit({
    ...SIGN_IN_LIMITS.perAddress,
    keyGenerator: (request: FastifyRequest) => `sign-in-address:${request.ip}`,
  });

  app.get('/dashboard', { schema: { hide: true } }, async (request, reply) => {
    const user = await sessionUser(hub, request);
    if (!user) return reply.redirect('/dashboard/sign-in', 303);
    return html(reply, 200, homePage(user, reply.generateCsrf()));
  });

  /** The signed-in user and a CSRF token for the dashboard's own API calls (header x-csrf-token). */
  app.get('/dashboard/session', { schema: { hide: true } }, async (request, reply) => {
    const user = await sessionUser(hub, request);
    if (!user) return reply.status(401).send({ error: 'unauthorized', message: 'not signed in' });
    return { user, csrfToken: reply.generateCsrf() };
  });

  app.get('/dashboard/sign-in', { schema: { hide: true } }, async (_request, reply) =>
    html(reply, 200, signInPage(reply.generateCsrf())),
  );

  await app.register(async (signIn) => {
    // The per-account limit, keyed by the email in the (parsed) body, on this route alone.
    await signIn.register(rateLimit, {
      ...SIGN_IN_LIMITS.perAccount,
      global: true,
      hook: 'preHandler',
      keyGenerator: (request: FastifyRequest) => {
        const body = request.body as { email?: unknown } | undefined; // validated by the route's schema
        return `sign-in-account:${String(body?.email ?? '')
          .trim()
          .toLowerCase()}`;
      },
    });
    signIn.withTypeProvider<TypeBoxTypeProvider>().post(
      '/dashboard/sign-in',
      {
        schema: {
          hide: true,
          body: Type.Object({
            email: Type.String({ minLength: 1, maxLength: 254 }),
            password: Type.String({ minLength: 1, maxLength: 1024 }),
            _csrf: Type.Optional(Type.String({ maxLength: 256 })),
          }),
        },
        // The scope's CSRF hook runs first, then the limits, both before the password is hashed.
        preHandler: perAddress,
      },
      async (request, reply) => {
        const { email, password } = request.body;
        const user = await authenticate(hub.db, email, password);
        if (!user) {
          request.log.info({ email }, 'sign-in refused');
          return html(reply, 401, signInPage(reply.generateCsrf(), 'Wrong email or password.', email));
        }
        // A new session id at sign-in, so an id planted before it (session fixation) is worth nothing.
        await request.session.regenerate();
        request.session.set('userId', user.id);
        request.log.info({ userId: user.id }, 'signed in');
        return reply.redirect('/dashboard', 303);
      },
    );
  });

  app.post('/dashboard/sign-out', { schema: { hide: true } }, async (request, reply) => {
    const userId = request.session.get('userId');
    await request.session.destroy();
    if (userId) request.log.info({ userId }, 'signed out');
    return reply.redirect('/dashboard/sign-in', 303);
  });
};
