import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InstallApi, InstallRequest, InstallRoute } from '../../../src/sdk/index.ts';
import { KEYS, STORE, silentLog, testConnector } from './helpers/woo-test-kit.ts';

type ConnectInput = Parameters<InstallApi['connect']>[0];

/** The hub's side of an install flow, in memory. */
function fakeHub(
  options: { connect?: (input: ConnectInput) => Promise<void>; existing?: { status: string } } = {},
) {
  const nonces = new Map<string, Record<string, unknown>>();
  const connected: ConnectInput[] = [];
  const hub: InstallApi & { connected: ConnectInput[]; nonces: typeof nonces } = {
    hubUrl: 'https://hub.example.com',
    log: silentLog,
    connected,
    nonces,
    async issueNonce(data) {
      const nonce = `state-${nonces.size + 1}`;
      nonces.set(nonce, data);
      return nonce;
    },
    async consumeNonce(nonce) {
      const data = nonces.get(nonce) ?? null;
      nonces.delete(nonce);
      return data;
    },
    async connect(input) {
      await options.connect?.(input);
      connected.push(input);
      return {
        connectionId: 'c1',
        merchantId: 'm1',
        webhookUrl: 'https://hub.example.com/webhooks/woocommerce/c1',
      };
    },
    async findConnection() {
      return options.existing
        ? { connectionId: 'c1', merchantId: 'm1', status: options.existing.status }
        : null;
    },
  };
  return hub;
}

const request = (over: Partial<InstallRequest> = {}): InstallRequest => ({
  method: 'GET',
  query: {},
  headers: {},
  rawBody: Buffer.alloc(0),
  ...over,
});

const callbackBody = (userId: string, permissions = 'read_write') =>
  Buffer.from(
    JSON.stringify({
      key_id: 12,
      user_id: userId,
      consumer_key: KEYS.consumerKey,
      consumer_secret: KEYS.consumerSecret,
      key_permissions: permissions,
    }),
  );

describe('connecting a store through wc-auth', () => {
  const routes = testConnector({ appName: 'Acme Fulfillment' }).install!.routes;
  const route = (method: string, path: string) =>
    routes.find((r) => r.method === method && r.path === path) as InstallRoute;
  const start = route('GET', '');
  const callback = route('POST', '/callback');
  const returned = route('GET', '/return');

  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    expect(nock.pendingMocks()).toEqual([]);
    nock.cleanAll();
  });

  it('sends the merchant to the store’s key-granting screen with a one-time state', async () => {
    const hub = fakeHub();
    const response = await start.handler(request({ query: { store: 'https://Shop.Example.com/' } }), hub);
    expect(response.status).toBe(302);
    const location = new URL(response.headers!.location!);
    expect(location.origin + location.pathname).toBe(`${STORE}/wc-auth/v1/authorize`);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      app_name: 'Acme Fulfillment',
      scope: 'read_write',
      user_id: 'state-1',
      return_url: `https://hub.example.com/install/woocommerce/return?store=${encodeURIComponent(STORE)}`,
      callback_url: 'https://hub.example.com/install/woocommerce/callback',
    });
    expect(hub.nonces.get('state-1')).toEqual({ storeUrl: STORE });
  });

  it.each([
    [undefined, 'Which store?'],
    ['http://shop.example.com', 'https://'],
    ['https://127.0.0.1', 'not a public address'],
    ['https://[::1]', 'not a public address'],
    ['https://169.254.169.254', 'not a public address'],
    ['https://localhost', 'not a public address'],
  ])('refuses %s without issuing a state', async (store, message) => {
    const hub = fakeHub();
    const response = await start.handler(request({ query: { store } }), hub);
    expect(response.status).toBe(400);
    expect(String(response.body)).toContain(message);
    expect(hub.nonces.size).toBe(0);
  });

  it('refuses a store whose name resolves to a private address', async () => {
    const internal = testConnector({ resolveHost: async () => ['10.1.2.3'] }).install!.routes[0]!;
    const response = await internal.handler(
      request({ query: { store: 'https://shop.example.com' } }),
      fakeHub(),
    );
    expect(response.status).toBe(400);
    expect(String(response.body)).toContain('10.1.2.3');
  });

  it('tries the keys on the store, connects it, and answers 200', async () => {
    const hub = fakeHub();
    await start.handler(request({ query: { store: STORE } }), hub);
    nock(STORE).get('/wp-json/wc/v3/orders').query({ per_page: '1', _fields: 'id' }).reply(200, []);
    const response = await callback.handler(
      request({ method: 'POST', rawBody: callbackBody('state-1') }),
      hub,
    );
    expect(response).toEqual({ status: 200, body: { ok: true } });
    expect(hub.connected).toHaveLength(1);
    const [input] = hub.connected;
    expect(input).toMatchObject({
      externalAccount: STORE,
      settings: { storeUrl: STORE },
      credentials: { consumerKey: KEYS.consumerKey, consumerSecret: KEYS.consumerSecret },
      merchantName: 'shop.example.com',
    });
    expect(input?.credentials.webhookSecret).toMatch(/^[0-9a-f]{48}$/);
    // The state is used up: the same callback again is refused.
    const again = await callback.handler(request({ method: 'POST', rawBody: callbackBody('state-1') }), hub);
    expect(again.status).toBe(400);
  });

  it('refuses a callback with a state it did not issue (so WooCommerce deletes the keys)', async () => {
    const hub = fakeHub();
    const response = await callback.handler(
      request({ method: 'POST', rawBody: callbackBody('forged') }),
      hub,
    );
    expect(response).toMatchObject({ status: 400, body: { error: 'unknown_state' } });
    expect(hub.connected).toEqual([]);
  });

  it('refuses keys the store itself rejects, leaving any existing connection as it was', async () => {
    const hub = fakeHub();
    await start.handler(request({ query: { store: STORE } }), hub);
    nock(STORE)
      .get('/wp-json/wc/v3/orders')
      .query(true)
      .times(2)
      .reply(401, {
        code: 'woocommerce_rest_authentication_error',
        message: 'Invalid signature',
        data: { status: 401 },
      });
    const response = await callback.handler(
      request({ method: 'POST', rawBody: callbackBody('state-1') }),
      hub,
    );
    expect(response).toMatchObject({ status: 400, body: { error: 'credentials_rejected' } });
    expect(hub.connected).toEqual([]);
  });

  it('refuses read-only keys and bodies that are not a wc-auth callback', async () => {
    const hub = fakeHub();
    await start.handler(request({ query: { store: STORE } }), hub);
    expect(
      (await callback.handler(request({ method: 'POST', rawBody: callbackBody('state-1', 'read') }), hub))
        .status,
    ).toBe(400);
    expect(
      (await callback.handler(request({ method: 'POST', rawBody: Buffer.from('key=1') }), hub)).status,
    ).toBe(400);
    expect(hub.nonces.has('state-1')).toBe(true);
  });

  it('answers 200 within two seconds even when connecting takes longer', async () => {
    let finish: () => void = () => {};
    const hub = fakeHub({ connect: () => new Promise<void>((resolve) => (finish = resolve)) });
    await start.handler(request({ query: { store: STORE } }), hub);
    nock(STORE).get('/wp-json/wc/v3/orders').query(true).reply(200, []);
    const started = Date.now();
    const response = await callback.handler(
      request({ method: 'POST', rawBody: callbackBody('state-1') }),
      hub,
    );
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(hub.connected).toEqual([]);
    finish();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(hub.connected).toHaveLength(1);
  });

  it('shows the merchant where things stand on return', async () => {
    const done = await returned.handler(
      request({ query: { success: '1', user_id: 'state-1', store: STORE } }),
      fakeHub({ existing: { status: 'active' } }),
    );
    expect(done.status).toBe(200);
    expect(String(done.body)).toContain('Store connected');
    const pending = await returned.handler(request({ query: { success: '1', store: STORE } }), fakeHub());
    expect(String(pending.body)).toContain('Almost there');
    const denied = await returned.handler(request({ query: { success: '0', store: '<script>' } }), fakeHub());
    expect(String(denied.body)).toContain('Not connected');
  });
});
