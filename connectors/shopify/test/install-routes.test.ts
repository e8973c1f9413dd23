/**
 * The install flow: the authorization-code grant with expiring offline tokens, its checks (HMAC
 * with timestamp, one-time state bound to the shop and to the browser, the shop's domain), and
 * what the hub is asked to do with the result.
 */
import { describe, expect, it } from 'vitest';
import type { InstallRequest, InstallRoute } from '../../../src/sdk/index.ts';
import { installRoutes, STATE_COOKIE } from '../install-routes.ts';
import { testDeps } from './helpers/connector-deps.ts';
import { FakeShop } from './helpers/fake-shop.ts';
import { API_KEY, API_SECRET, SHOP } from './helpers/fixtures.ts';
import { fakeInstallApi, nowSeconds, signedQuery } from './helpers/install.ts';
import { isolateShopify } from './helpers/isolation.ts';

isolateShopify();

const routes = installRoutes(testDeps());
const route = (path: string) => routes.find((candidate) => candidate.path === path) as InstallRoute;
const request = (query: Record<string, string>, cookie?: string): InstallRequest => ({
  method: 'GET',
  query,
  headers: cookie ? { cookie } : {},
  rawBody: Buffer.alloc(0),
});

async function begin(hub = fakeInstallApi(), query: Record<string, string> = { shop: SHOP }) {
  const response = await route('').handler(request(query), hub);
  const location = new URL(String(response.headers?.location));
  const cookie = String(response.headers?.['set-cookie']).split(';')[0] ?? '';
  return { hub, response, location, cookie, state: location.searchParams.get('state') ?? '' };
}

function callbackQuery(state: string, overrides: Record<string, string> = {}) {
  return signedQuery({
    code: 'code-123',
    host: 'aHViLXRlc3QubXlzaG9waWZ5LmNvbS9hZG1pbg',
    shop: SHOP,
    state,
    timestamp: nowSeconds(),
    ...overrides,
  });
}

describe('starting the install', () => {
  it('sends the merchant to Shopify to approve the minimum scopes, for an offline token', async () => {
    const { response, location, cookie, state, hub } = await begin();
    expect(response.status).toBe(302);
    expect(location.origin + location.pathname).toBe(`https://${SHOP}/admin/oauth/authorize`);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      client_id: API_KEY,
      scope:
        'read_orders,write_fulfillments,write_assigned_fulfillment_orders,write_inventory,read_locations',
      redirect_uri: 'https://hub.example.com/install/shopify/callback',
      state,
      'grant_options[]': '',
    });
    expect(cookie).toBe(`${STATE_COOKIE}=${state}`);
    expect(String(response.headers?.['set-cookie'])).toMatch(/HttpOnly; SameSite=Lax; Secure/);
    expect(hub.nonces.get(state)).toEqual({ shop: SHOP, mode: 'fulfillment_service' });
  });

  it('asks for the merchant-managed scopes in that mode', async () => {
    const { location } = await begin(undefined, { shop: SHOP, mode: 'merchant_managed' });
    expect(location.searchParams.get('scope')).toBe(
      'read_orders,write_merchant_managed_fulfillment_orders,write_inventory,read_locations',
    );
  });

  it('refuses a missing or foreign shop domain, a bad signature and an unknown mode', async () => {
    const hub = fakeInstallApi();
    for (const query of [
      {},
      { shop: 'evil.example.com' },
      { shop: 'hub-test.myshopify.com.evil.com' },
    ] as Record<string, string>[]) {
      expect((await route('').handler(request(query), hub)).status).toBe(400);
    }
    const forged = { ...signedQuery({ shop: SHOP, timestamp: nowSeconds() }, 'not-the-app-secret-0123') };
    expect((await route('').handler(request(forged), hub)).status).toBe(400);
    expect((await route('').handler(request({ shop: SHOP, mode: 'dropship' }), hub)).status).toBe(400);
    expect(hub.nonces.size).toBe(0);
  });

  it('shows an installed shop as connected when the app is opened again, without re-authorizing', async () => {
    const hub = fakeInstallApi();
    hub.active.add(SHOP);
    const response = await route('').handler(
      request(signedQuery({ shop: SHOP, timestamp: nowSeconds() })),
      hub,
    );
    expect(response.status).toBe(200);
    expect(String(response.body)).toContain('is connected');
    expect(hub.nonces.size).toBe(0);
  });
});

describe('the callback', () => {
  it('exchanges the code for an expiring token pair and connects the shop', async () => {
    const shop = new FakeShop(SHOP).start();
    const { hub, cookie, state } = await begin();
    const response = await route('/callback').handler(request(callbackQuery(state), cookie), hub);
    expect(response.status).toBe(200);
    expect(String(response.body)).toContain('is connected');
    expect(shop.tokenRequests).toEqual([
      { client_id: API_KEY, client_secret: API_SECRET, code: 'code-123', expiring: '1' },
    ]);
    expect(hub.connected).toHaveLength(1);
    const [connection] = hub.connected;
    expect(connection).toMatchObject({
      externalAccount: SHOP,
      settings: { mode: 'fulfillment_service' },
      merchantName: SHOP,
    });
    expect(connection?.credentials).toMatchObject({
      accessToken: expect.stringMatching(/^shpat_/),
      refreshToken: expect.stringMatching(/^shprt_/),
    });
    expect(Date.parse(String(connection?.credentials.expiresAt)) - Date.now()).toBeGreaterThan(3500_000);
    expect(String(response.headers?.['set-cookie'])).toMatch(new RegExp(`^${STATE_COOKIE}=;.*Max-Age=0`));
  });

  it('refuses a callback not signed by Shopify, or signed too long ago', async () => {
    const shop = new FakeShop(SHOP).start();
    const { hub, cookie, state } = await begin();
    const forged = { ...callbackQuery(state), code: 'another-code' };
    expect((await route('/callback').handler(request(forged), hub)).status).toBe(400);
    const stale = callbackQuery(state, { timestamp: String(Math.trunc(Date.now() / 1000) - 300) });
    expect((await route('/callback').handler(request(stale, cookie), hub)).status).toBe(400);
    const unsigned = { code: 'code-123', shop: SHOP, state, timestamp: nowSeconds() };
    expect((await route('/callback').handler(request(unsigned, cookie), hub)).status).toBe(400);
    expect(shop.tokenRequests).toEqual([]);
    expect(hub.connected).toEqual([]);
  });

  it('refuses a state from another browser, an unknown or used state, and another shop’s state', async () => {
    const shop = new FakeShop(SHOP).start();
    const { hub, cookie, state } = await begin();
    // The same link opened in a browser without the cookie (a link sent to someone else).
    expect((await route('/callback').handler(request(callbackQuery(state)), hub)).status).toBe(400);
    expect(
      (await route('/callback').handler(request(callbackQuery(state), `${STATE_COOKIE}=forged`), hub)).status,
    ).toBe(400);
    // A state issued for one shop, used for another (both signed by Shopify).
    const other = 'other-shop.myshopify.com';
    new FakeShop(other).start();
    const forOther = callbackQuery(state, { shop: other });
    expect((await route('/callback').handler(request(forOther, cookie), hub)).status).toBe(400);
    // Consumed by the previous attempt: the state is one-time.
    expect((await route('/callback').handler(request(callbackQuery(state), cookie), hub)).status).toBe(400);
    expect(shop.tokenRequests).toEqual([]);
  });

  it('refuses a grant without the scopes the mode needs', async () => {
    const shop = new FakeShop(SHOP).start();
    const issue = shop.issueTokens.bind(shop);
    shop.issueTokens = () => ({ ...issue(), scope: 'read_orders' });
    const { hub, cookie, state } = await begin();
    const response = await route('/callback').handler(request(callbackQuery(state), cookie), hub);
    expect(response.status).toBe(400);
    expect(String(response.body)).toContain('write_fulfillments');
    expect(hub.connected).toEqual([]);
  });

  it('explains a failed setup (the hub stored nothing)', async () => {
    new FakeShop(SHOP).start();
    const { hub, cookie, state } = await begin();
    hub.failConnect = new Error('could not set up the connection: Shopify refused the fulfillment service');
    const response = await route('/callback').handler(request(callbackQuery(state), cookie), hub);
    expect(response.status).toBe(502);
    expect(String(response.body)).toContain('refused the fulfillment service');
  });
});

describe('re-installing', () => {
  it('keeps the mode and settings of a shop connected before, unless a mode is named', async () => {
    const shop = new FakeShop(SHOP).start();
    const hub = fakeInstallApi();
    hub.uninstalled.add(SHOP);
    const { location, cookie, state } = await begin(hub);
    // The install cannot see the stored mode, so it asks for what either mode needs.
    expect(location.searchParams.get('scope')?.split(',').sort()).toEqual([
      'read_locations',
      'read_orders',
      'write_assigned_fulfillment_orders',
      'write_fulfillments',
      'write_inventory',
      'write_merchant_managed_fulfillment_orders',
    ]);
    const response = await route('/callback').handler(request(callbackQuery(state), cookie), hub);
    expect(response.status).toBe(200);
    expect(hub.connected[0]?.settings).toEqual({});
    expect(shop.tokenRequests).toHaveLength(1);
  });
});

describe('without an app configured', () => {
  it('answers 503 naming the variables to set', async () => {
    for (const unconfigured of installRoutes(null)) {
      const response = await unconfigured.handler(request({ shop: SHOP }), fakeInstallApi());
      expect(response.status).toBe(503);
      expect(String(response.body)).toContain('SHOPIFY_API_KEY and SHOPIFY_API_SECRET');
    }
  });
});
