/**
 * Users, sessions and API keys over HTTP (inject) on a real database: sign-in and sign-out, wrong
 * passwords, the sign-in rate limits, session expiry and revocation, CSRF on a session's state
 * changes, and merchant-scoped API keys (shown once, used, revoked, blind to other merchants).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../src/auth/users.ts';
import { SIGN_IN_LIMITS } from '../src/http/session/sign-in.ts';
import { retentionHandler } from '../src/pipeline/retention.ts';
import { startTestHub, TEST_API_TOKEN, type TestHub } from './helpers/test-hub.ts';

const PASSWORD = 'correct horse battery staple';
let addressCounter = 0;
/** Each test signs in from its own address, so one test's attempts do not trip another's limit. */
const nextAddress = () => `10.0.0.${++addressCounter}`;

/** The session cookie a response set, as a request header value. */
function sessionCookie(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name === 'hub_session');
  if (!cookie) throw new Error(`no session cookie in ${JSON.stringify(response.headers['set-cookie'])}`);
  return `hub_session=${cookie.value}`;
}

const csrfFromForm = (html: string) => {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF field in the page');
  return match[1];
};

describe('users, sessions and API keys', () => {
  let hub: TestHub;
  let app: FastifyInstance;
  let otherMerchantId: string;
  let otherOrderId: string;

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

  /** The form's GET, then its POST with the page's CSRF token: what a browser does. */
  async function signIn(email: string, password: string, remoteAddress = nextAddress()) {
    const page = await app.inject({ method: 'GET', url: '/dashboard/sign-in', remoteAddress });
    const response = await app.inject({
      method: 'POST',
      url: '/dashboard/sign-in',
      remoteAddress,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: sessionCookie(page) },
      payload: form({ email, password, _csrf: csrfFromForm(page.body) }),
    });
    return { response, pageCookie: sessionCookie(page) };
  }

  async function signedIn(email: string) {
    const { response } = await signIn(email, PASSWORD);
    expect(response.statusCode).toBe(303);
    const cookie = sessionCookie(response);
    const session = await app.inject({ method: 'GET', url: '/dashboard/session', headers: { cookie } });
    expect(session.statusCode).toBe(200);
    return { cookie, csrfToken: session.json().csrfToken as string };
  }

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    hub = await startTestHub({ workers: false });
    app = hub.running.app;
    const db = hub.running.hub.db;
    // One account per test that signs in successfully, so the per-account limit stays out of the way.
    for (const email of ['ops@example.test', 'csrf@example.test', 'sessions@example.test'])
      await createUser(db, { email, role: 'operator', password: PASSWORD });
    await createUser(db, {
      email: 'member@example.test',
      role: 'merchant_member',
      merchantId: hub.merchantId,
      password: PASSWORD,
    });
    const other = await db
      .insertInto('merchants')
      .values({ name: 'Other' })
      .returning('id')
      .executeTakeFirstOrThrow();
    otherMerchantId = other.id;
    const connection = await db
      .insertInto('connections')
      .values({
        merchant_id: other.id,
        connector: 'sandbox-storefront',
        role: 'storefront',
        external_account: 'other-store',
        settings: JSON.stringify({ baseUrl: 'http://127.0.0.1:9' }),
        credentials_encrypted: 'not-used-by-this-test',
        status: 'disabled',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const now = new Date();
    const order = await db
      .insertInto('orders')
      .values({
        merchant_id: other.id,
        storefront_connection_id: connection.id,
        source_order_id: 'other-1',
        source_order_name: '#other-1',
        source_updated_at: now,
        status: 'received',
        ready_to_fulfill: true,
        currency: 'EUR',
        total_minor: 1000,
        tags: JSON.stringify([]),
        test: true,
        placed_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    otherOrderId = order.id;
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('serves the sign-in form with security headers and no external asset', async () => {
    const page = await app.inject({ method: 'GET', url: '/dashboard/sign-in' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.body).toContain('<form method="post" action="/dashboard/sign-in">');
    expect(page.body).not.toMatch(/(src|href)="https?:/);
  });

  it('signs in with an httpOnly, SameSite=Strict cookie, reaches the API, and signs out', async () => {
    const { response } = await signIn('OPS@example.test', PASSWORD);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/dashboard');
    const cookie = response.cookies.find((c) => c.name === 'hub_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');
    // Not Secure outside production, where the hub is reached over plain HTTP.
    expect(cookie?.secure).toBeFalsy();
    const headers = { cookie: sessionCookie(response) };

    const home = await app.inject({ method: 'GET', url: '/dashboard', headers });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('ops@example.test');
    const orders = await app.inject({ method: 'GET', url: '/api/orders', headers });
    expect(orders.statusCode).toBe(200);
    expect(orders.json().items.map((o: any) => o.id)).toContain(otherOrderId);

    const signOut = await app.inject({
      method: 'POST',
      url: '/dashboard/sign-out',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ _csrf: csrfFromForm(home.body) }),
    });
    expect(signOut.statusCode).toBe(303);
    expect((await app.inject({ method: 'GET', url: '/api/orders', headers })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/dashboard', headers })).statusCode).toBe(303);
  });

  it('refuses a wrong password and an unknown email alike', async () => {
    const { response: wrong, pageCookie } = await signIn('ops@example.test', 'not the password at all');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('Wrong email or password.');
    const { response: unknown } = await signIn('nobody@example.test', PASSWORD);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.body).toContain('Wrong email or password.');
    // The anonymous session the form gave stays anonymous.
    const cookie = pageCookie;
    expect((await app.inject({ method: 'GET', url: '/api/orders', headers: { cookie } })).statusCode).toBe(
      401,
    );
  });

  it('rate-limits sign-in per account, whatever the address', async () => {
    const email = 'member@example.test';
    for (let attempt = 0; attempt < SIGN_IN_LIMITS.perAccount.max; attempt++)
      expect((await signIn(email, 'wrong password, try again')).response.statusCode).toBe(401);
    // The right password from a fresh address is refused too: the account is locked for the window.
    expect((await signIn(email, PASSWORD)).response.statusCode).toBe(429);
  });

  it('rate-limits sign-in per address, whatever the account', async () => {
    const address = nextAddress();
    for (let attempt = 0; attempt < SIGN_IN_LIMITS.perAddress.max; attempt++)
      expect((await signIn(`guess-${attempt}@example.test`, 'guess', address)).response.statusCode).toBe(401);
    expect((await signIn('ops@example.test', PASSWORD, address)).response.statusCode).toBe(429);
    // Another address is not affected.
    expect((await signIn('ops@example.test', PASSWORD)).response.statusCode).toBe(303);
  });

  it('refuses a state change made with the session cookie but no CSRF token (a cross-site POST)', async () => {
    const { cookie, csrfToken } = await signedIn('csrf@example.test');
    const body = { merchantId: hub.merchantId, name: 'from a session' };
    const forged = await app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: { cookie, origin: 'https://evil.example' },
      payload: body,
    });
    expect(forged.statusCode).toBe(403);
    const wrongToken = await app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: { cookie, 'x-csrf-token': `${csrfToken}x` },
      payload: body,
    });
    expect(wrongToken.statusCode).toBe(403);
    const forgedSignOut = await app.inject({
      method: 'POST',
      url: '/dashboard/sign-out',
      headers: { cookie },
    });
    expect(forgedSignOut.statusCode).toBe(403);
    const genuine = await app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: { cookie, 'x-csrf-token': csrfToken },
      payload: body,
    });
    expect(genuine.statusCode).toBe(201);
    // Reads need no token.
    expect((await app.inject({ method: 'GET', url: '/api/keys', headers: { cookie } })).statusCode).toBe(200);
  });

  it('ends a session when it expires, and when the user is signed out everywhere', async () => {
    const first = await signedIn('sessions@example.test');
    const second = await signedIn('sessions@example.test');
    const db = hub.running.hub.db;
    const sessionId = decodeURIComponent(first.cookie.slice('hub_session='.length)).split('.')[0] as string;
    await db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', sessionId)
      .execute();
    expect(
      (await app.inject({ method: 'GET', url: '/api/orders', headers: { cookie: first.cookie } })).statusCode,
    ).toBe(401);
    expect(
      (await app.inject({ method: 'GET', url: '/api/orders', headers: { cookie: second.cookie } }))
        .statusCode,
    ).toBe(200);
    // The hourly retention job deletes the expired session's row and keeps the live one.
    await retentionHandler(hub.running.hub).run(
      {},
      { log: hub.running.hub.log, idempotencyKey: 'retention-test', finalAttempt: false },
    );
    const kept = await db.selectFrom('sessions').select('id').execute();
    expect(kept.map((row) => row.id)).not.toContain(sessionId);
    expect(kept.length).toBeGreaterThanOrEqual(1);

    const user = await db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'sessions@example.test')
      .executeTakeFirstOrThrow();
    const revoked = await app.inject({
      method: 'DELETE',
      url: `/api/users/${user.id}/sessions`,
      headers: bearer(TEST_API_TOKEN),
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revoked).toBeGreaterThanOrEqual(1);
    expect(
      (await app.inject({ method: 'GET', url: '/api/orders', headers: { cookie: second.cookie } }))
        .statusCode,
    ).toBe(401);
    const act = await app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: { cookie: second.cookie, 'x-csrf-token': second.csrfToken },
      payload: { merchantId: hub.merchantId, name: 'after revocation' },
    });
    expect([401, 403]).toContain(act.statusCode);
  });

  it('gives a merchant member its own merchant only', async () => {
    // Its own address and account bucket: the per-account test above locked member@ for a while.
    const db = hub.running.hub.db;
    await createUser(db, {
      email: 'member2@example.test',
      role: 'merchant_member',
      merchantId: hub.merchantId,
      password: PASSWORD,
    });
    const { cookie } = await signedIn('member2@example.test');
    const theirs = await app.inject({
      method: 'GET',
      url: `/api/orders/${otherOrderId}`,
      headers: { cookie },
    });
    expect(theirs.statusCode).toBe(404);
    const merchants = await app.inject({ method: 'GET', url: '/api/merchants', headers: { cookie } });
    expect(merchants.json().items.map((m: any) => m.id)).toEqual([hub.merchantId]);
  });

  it('creates an API key shown once, uses it in its merchant scope, and revokes it', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: bearer(TEST_API_TOKEN),
      payload: { merchantId: hub.merchantId, name: 'warehouse script' },
    });
    expect(created.statusCode).toBe(201);
    const { key, id, prefix } = created.json();
    expect(key).toMatch(/^fhk_[a-f0-9]{16}_[\w-]{43}$/);
    expect(key).toContain(prefix);
    const stored = await hub.running.hub.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(key.split('_')[2]);

    const listed = await app.inject({ method: 'GET', url: '/api/keys', headers: bearer(TEST_API_TOKEN) });
    const entry = listed.json().items.find((k: any) => k.id === id);
    expect(entry.name).toBe('warehouse script');
    expect(entry).not.toHaveProperty('key');

    const orders = await app.inject({ method: 'GET', url: '/api/orders?limit=200', headers: bearer(key) });
    expect(orders.statusCode).toBe(200);
    expect(orders.json().items.map((o: any) => o.id)).not.toContain(otherOrderId);
    const theirs = await app.inject({
      method: 'GET',
      url: `/api/orders/${otherOrderId}`,
      headers: bearer(key),
    });
    expect(theirs.statusCode).toBe(404);
    // The key can make another key for its own merchant, not for another.
    const forOther = await app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: bearer(key),
      payload: { merchantId: otherMerchantId, name: 'escalation' },
    });
    expect(forOther.statusCode).toBe(404);

    const revoke = await app.inject({ method: 'DELETE', url: `/api/keys/${id}`, headers: bearer(key) });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json().revokedAt).not.toBeNull();
    expect((await app.inject({ method: 'GET', url: '/api/orders', headers: bearer(key) })).statusCode).toBe(
      401,
    );
    // The operator token keeps working, and a malformed or unknown bearer is refused.
    expect(
      (await app.inject({ method: 'GET', url: '/api/orders', headers: bearer(TEST_API_TOKEN) })).statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ method: 'GET', url: '/api/orders', headers: bearer(`${key}x`) })).statusCode,
    ).toBe(401);
  });
});
