import { createHash } from 'node:crypto';
import nock from 'nock';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { InstallApi, InstallRequest, InstallRoute } from '../../../src/sdk/index.ts';
import { createShipBobConnector } from '../shipbob-connector.ts';
import {
  API,
  APP,
  AUTH,
  connector,
  fixture,
  shipBobContext,
  useNock,
  VERSION,
} from './helpers/shipbob-test-kit.ts';

useNock();

type ConnectInput = Parameters<InstallApi['connect']>[0];

/** A JWT as ShipBob's token endpoint returns (the connector reads `sub` only, as a name). */
function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

function fakeHub(options: { failConnect?: Error } = {}) {
  const nonces = new Map<string, Record<string, unknown>>();
  const connected: ConnectInput[] = [];
  const hub: InstallApi & { connected: ConnectInput[] } = {
    hubUrl: 'https://hub.example.com',
    log: pino({ level: 'silent' }),
    connected,
    async issueNonce(data) {
      const nonce = `state-${nonces.size + 1}-0123456789`;
      nonces.set(nonce, data);
      return nonce;
    },
    async consumeNonce(nonce) {
      const data = nonces.get(nonce) ?? null;
      nonces.delete(nonce);
      return data;
    },
    async connect(input) {
      if (options.failConnect) throw options.failConnect;
      connected.push(input);
      return {
        connectionId: 'c1',
        merchantId: 'm1',
        webhookUrl: 'https://hub.example.com/webhooks/shipbob/c1',
      };
    },
    async findConnection() {
      return null;
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

const routes = connector.install!.routes;
const route = (path: string) => routes.find((r) => r.path === path) as InstallRoute;

async function start(hub: ReturnType<typeof fakeHub>, query: Record<string, string> = {}) {
  const response = await route('').handler(request({ query }), hub);
  const location = new URL((response.headers as Record<string, string>).location as string);
  const cookie = ((response.headers as Record<string, string>)['set-cookie'] as string).split(
    ';',
  )[0] as string;
  return { response, location, cookie, state: location.searchParams.get('state') as string };
}

describe('connecting through the OAuth app (authorization code with PKCE)', () => {
  it('sends the merchant to ShipBob with an S256 challenge, offline_access and a one-time state', async () => {
    const hub = fakeHub();
    const { response, location, cookie, state } = await start(hub);
    expect(response.status).toBe(302);
    expect(location.origin + location.pathname).toBe(`${AUTH}/connect/authorize`);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      client_id: APP.clientId,
      redirect_uri: 'https://hub.example.com/install/shipbob/callback',
      response_type: 'code',
      code_challenge_method: 'S256',
      scope: 'orders_read offline_access',
    });
    expect(cookie).toBe(`shipbob_install_state=${state}`);
    const sandbox = await start(hub, { environment: 'sandbox' });
    expect(sandbox.location.origin).toBe('https://authstage.shipbob.com');
  });

  it('exchanges the code with the verifier behind the challenge, and connects with the token pair', async () => {
    const hub = fakeHub();
    const { location, cookie, state } = await start(hub);
    const challenge = location.searchParams.get('code_challenge');
    let form: URLSearchParams | null = null;
    const accessToken = jwt({ sub: '4242', scope: 'orders_read' });
    nock(AUTH)
      .post('/connect/token', (body) => {
        form = new URLSearchParams(body as unknown as string);
        return true;
      })
      .reply(200, { ...fixture('token.json'), access_token: accessToken });

    const response = await route('/callback').handler(
      request({ query: { code: 'code-1', state }, headers: { cookie } }),
      hub,
    );

    expect(response.status).toBe(200);
    const sent = Object.fromEntries(form as unknown as URLSearchParams);
    expect(sent).toMatchObject({
      grant_type: 'authorization_code',
      code: 'code-1',
      client_id: APP.clientId,
      client_secret: APP.clientSecret,
      redirect_uri: 'https://hub.example.com/install/shipbob/callback',
    });
    expect(
      createHash('sha256')
        .update(sent.code_verifier as string)
        .digest('base64url'),
    ).toBe(challenge);
    expect(hub.connected).toEqual([
      {
        externalAccount: 'production:user:4242',
        settings: { environment: 'production' },
        credentials: {
          kind: 'oauth',
          accessToken,
          refreshToken: 'refresh-token-1',
          expiresAt: expect.any(String),
        },
        merchantName: 'ShipBob production:user:4242',
      },
    ]);
    // The state is spent: the same callback again is refused.
    const again = await route('/callback').handler(
      request({ query: { code: 'code-1', state }, headers: { cookie } }),
      hub,
    );
    expect(again.status).toBe(400);
  });

  it('refuses a callback from another browser, and a grant without a refresh token', async () => {
    const hub = fakeHub();
    const { state, cookie } = await start(hub);
    const foreign = await route('/callback').handler(
      request({ query: { code: 'c', state }, headers: {} }),
      hub,
    );
    expect(foreign.status).toBe(400);

    nock(AUTH)
      .post('/connect/token')
      .reply(200, { access_token: jwt({ sub: '1' }), expires_in: 3600 });
    const noRefresh = await route('/callback').handler(
      request({ query: { code: 'c', state }, headers: { cookie } }),
      hub,
    );
    expect(noRefresh.status).toBe(400);
    expect(String(noRefresh.body)).toContain('offline');
    expect(hub.connected).toEqual([]);
  });

  it('explains itself when the hub has no ShipBob app', async () => {
    const bare = createShipBobConnector({ app: null });
    const response = await (bare.install!.routes[0] as InstallRoute).handler(request(), fakeHub());
    expect(response.status).toBe(503);
    expect(String(response.body)).toContain('SHIPBOB_CLIENT_ID');
  });
});

describe('refreshing an OAuth token', () => {
  const expiring = () =>
    shipBobContext({
      credentials: {
        kind: 'oauth',
        accessToken: 'old-access-token-0123456789',
        refreshToken: 'refresh-1',
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
      },
    });

  it('refreshes once before the token expires, stores the new pair first, and shares the refresh', async () => {
    const context = expiring();
    let refreshes = 0;
    nock(AUTH)
      .post('/connect/token', (body) => {
        refreshes += 1;
        const form = new URLSearchParams(body as unknown as string);
        return form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === 'refresh-1';
      })
      .reply(200, {
        access_token: 'new-access-token-0123456789',
        refresh_token: 'refresh-2',
        expires_in: 3600,
      });
    nock(API, { reqheaders: { authorization: 'Bearer new-access-token-0123456789' } })
      .get(`${VERSION}/fulfillment-center`)
      .twice()
      .reply(200, []);

    await Promise.all([connector.listLocations(context), connector.listLocations(context)]);

    expect(refreshes).toBe(1);
    expect(context.credentials).toMatchObject({
      accessToken: 'new-access-token-0123456789',
      refreshToken: 'refresh-2',
    });
    expect(Date.parse(context.credentials.expiresAt as string)).toBeGreaterThan(Date.now() + 50 * 60_000);
  });

  it('refreshes and retries once when ShipBob says 401 to a token it issued', async () => {
    const context = shipBobContext({
      credentials: {
        kind: 'oauth',
        accessToken: 'revoked-token-0123456789',
        refreshToken: 'refresh-1',
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    nock(API).get(`${VERSION}/fulfillment-center`).reply(401);
    nock(AUTH)
      .post('/connect/token')
      .reply(200, { access_token: 'fresh-token-0123456789', expires_in: 3600 });
    nock(API, { reqheaders: { authorization: 'Bearer fresh-token-0123456789' } })
      .get(`${VERSION}/fulfillment-center`)
      .reply(200, []);
    expect(await connector.listLocations(context)).toEqual([]);
    // ShipBob kept the refresh token: the old one is kept with the new access token.
    expect(context.credentials).toMatchObject({
      accessToken: 'fresh-token-0123456789',
      refreshToken: 'refresh-1',
    });
  });

  it('asks a person to reconnect when the refresh token is refused', async () => {
    const context = expiring();
    nock(AUTH).post('/connect/token').reply(400, { error: 'invalid_grant' });
    await expect(connector.listLocations(context)).rejects.toMatchObject({
      code: 'token_revoked',
      errorClass: 'needs_human',
    });
  });
});
