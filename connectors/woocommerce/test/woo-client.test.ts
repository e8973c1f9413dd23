import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NeedsHumanError, RetryableError } from '../../../src/sdk/index.ts';
import { resolveOptions } from '../connection.ts';
import { storeApi } from '../store-api.ts';
import { createWooClient, type WooClientConfig } from '../woo-client.ts';
import { wooOrder } from '../woo-payloads.ts';
import { fakeContext, KEYS, PUBLIC_ADDRESS, STORE } from './helpers/woo-test-kit.ts';

const basicAuth = `Basic ${Buffer.from(`${KEYS.consumerKey}:${KEYS.consumerSecret}`).toString('base64')}`;

function client(overrides: Partial<WooClientConfig> = {}) {
  return createWooClient({
    storeUrl: STORE,
    ...KEYS,
    authMode: 'basic',
    timeoutMs: 1_000,
    retryDelayMs: 1,
    concurrency: 4,
    guardAddresses: true,
    resolveHost: async () => [PUBLIC_ADDRESS],
    ...overrides,
  });
}

describe('the typed WooCommerce client', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    expect(nock.pendingMocks()).toEqual([]);
    nock.cleanAll();
  });

  it('calls wc/v3 with Basic auth over https and returns parsed JSON', async () => {
    nock(STORE, { reqheaders: { authorization: basicAuth } })
      .get('/wp-json/wc/v3/orders')
      .query({ per_page: '1', status: 'any' })
      .reply(200, [{ id: 1 }], { 'x-wp-totalpages': '3' });
    const response = await client().request({
      method: 'GET',
      path: 'orders',
      query: { per_page: 1, status: 'any' },
    });
    expect(response).toMatchObject({ status: 200, body: [{ id: 1 }] });
    expect(response.headers['x-wp-totalpages']).toBe('3');
  });

  it('calls plugin namespaces too', async () => {
    nock(STORE).get('/wp-json/wc-shipment-tracking/v3/orders/7/shipment-trackings').reply(200, []);
    const response = await client().request({
      method: 'GET',
      namespace: 'wc-shipment-tracking/v3',
      path: 'orders/7/shipment-trackings',
    });
    expect(response.body).toEqual([]);
  });

  it('reads the public index without credentials', async () => {
    nock(STORE, { badheaders: ['authorization'] })
      .get('/wp-json/')
      .query((query) => !('consumer_key' in query))
      .reply(200, { namespaces: ['wc/v3'] });
    expect((await client().index()).body).toEqual({ namespaces: ['wc/v3'] });
  });

  it('turns an HTML answer (a hosting firewall) into a retryable error, even with a 2xx status', async () => {
    nock(STORE)
      .get('/wp-json/wc/v3/orders')
      .times(2)
      .reply(202, '<html><body>SG-Captcha: challenge</body></html>', { 'content-type': 'text/html' });
    const error = await client()
      .request({ method: 'GET', path: 'orders' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'non_json_response', context: { status: 202 } });
  });

  it('retries once, quickly, and succeeds when the second attempt does', async () => {
    nock(STORE).get('/wp-json/wc/v3/orders').reply(503, 'busy').get('/wp-json/wc/v3/orders').reply(200, []);
    expect((await client().request({ method: 'GET', path: 'orders' })).body).toEqual([]);
  });

  it('gives a 429 back with its Retry-After when it is too long to wait in the call', async () => {
    nock(STORE).get('/wp-json/wc/v3/orders').reply(429, { code: 'too_many' }, { 'retry-after': '120' });
    const error = await client()
      .request({ method: 'GET', path: 'orders' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 120_000 });
  });

  it('waits a short Retry-After in the call', async () => {
    nock(STORE)
      .get('/wp-json/wc/v3/orders')
      .reply(429, '', { 'retry-after': '0' })
      .get('/wp-json/wc/v3/orders')
      .reply(200, []);
    expect((await client().request({ method: 'GET', path: 'orders' })).status).toBe(200);
  });

  it('never repeats a create on its own: the caller looks before it writes again', async () => {
    nock(STORE).post('/wp-json/wc/v3/webhooks').reply(502, 'bad gateway');
    await expect(client().request({ method: 'POST', path: 'webhooks', body: {} })).rejects.toMatchObject({
      code: 'store_unavailable',
    });
  });

  it('repeats an idempotent batch write once', async () => {
    nock(STORE)
      .post('/wp-json/wc/v3/products/batch')
      .reply(500, 'oops')
      .post('/wp-json/wc/v3/products/batch')
      .reply(200, { update: [] });
    const response = await client().request({
      method: 'POST',
      path: 'products/batch',
      body: { update: [] },
      idempotent: true,
    });
    expect(response.status).toBe(200);
  });

  it('times out a store that does not answer', async () => {
    nock(STORE).get('/wp-json/wc/v3/orders').delay(500).reply(200, []);
    await expect(client({ timeoutMs: 100 }).request({ method: 'GET', path: 'orders' })).rejects.toMatchObject(
      {
        code: 'timeout',
      },
    );
  });

  it('turns network failures into retryable errors', async () => {
    nock(STORE).get('/wp-json/wc/v3/orders').times(2).replyWithError('socket hang up');
    await expect(client().request({ method: 'GET', path: 'orders' })).rejects.toMatchObject({
      code: 'network_error',
    });
  });

  it('does not follow redirects: the merchant must fix the store URL', async () => {
    nock(STORE)
      .get('/wp-json/wc/v3/orders')
      .reply(301, '', { location: 'https://www.shop.example.com/wp-json/wc/v3/orders' });
    const error = await client()
      .request({ method: 'GET', path: 'orders' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NeedsHumanError);
    expect(error).toMatchObject({
      code: 'store_redirected',
      context: { location: 'https://www.shop.example.com/wp-json/wc/v3/orders' },
    });
  });

  it('falls back to query-string auth when the store ignores Basic auth, and remembers it', async () => {
    nock(STORE)
      .get('/wp-json/wc/v3/orders')
      .query({ per_page: '1' })
      .reply(401, {
        code: 'woocommerce_rest_cannot_view',
        message: 'Sorry, you cannot list resources.',
        data: { status: 401 },
      })
      .get('/wp-json/wc/v3/orders')
      .query({ per_page: '1', consumer_key: KEYS.consumerKey, consumer_secret: KEYS.consumerSecret })
      .reply(200, [])
      .get('/wp-json/wc/v3/products')
      .query({ consumer_key: KEYS.consumerKey, consumer_secret: KEYS.consumerSecret })
      .reply(200, []);
    const context = fakeContext();
    const api = storeApi(
      context,
      resolveOptions({ resolveHost: async () => [PUBLIC_ADDRESS], retryDelayMs: 1 }),
    );
    expect((await api.request({ method: 'GET', path: 'orders', query: { per_page: 1 } })).status).toBe(200);
    expect(context.state.authMode).toBe('query-string');
    // The same client keeps using it, and so does the next one built from the saved state.
    expect((await api.request({ method: 'GET', path: 'products' })).status).toBe(200);
    nock(STORE)
      .get('/wp-json/wc/v3/webhooks')
      .query({ consumer_key: KEYS.consumerKey, consumer_secret: KEYS.consumerSecret })
      .reply(200, []);
    const next = storeApi(context, resolveOptions({ resolveHost: async () => [PUBLIC_ADDRESS] }));
    expect((await next.request({ method: 'GET', path: 'webhooks' })).status).toBe(200);
  });

  it('reports keys the store refuses either way as needing a person', async () => {
    const refused = {
      code: 'woocommerce_rest_authentication_error',
      message: 'Consumer secret is invalid.',
      data: { status: 401 },
    };
    nock(STORE).get('/wp-json/wc/v3/orders').query(true).times(2).reply(401, refused);
    const error = await client()
      .request({ method: 'GET', path: 'orders' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NeedsHumanError);
    expect(error).toMatchObject({ code: 'credentials_rejected' });
    expect((error as Error).message).toContain('Consumer secret is invalid.');
  });

  it('caps the requests in flight to one store', async () => {
    let inFlight = 0;
    let most = 0;
    nock('https://busy.example.com')
      .get(/\/wp-json\/wc\/v3\/orders\/\d+/)
      .times(6)
      .reply(async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 30));
        inFlight -= 1;
        return [200, '{}'];
      });
    const capped = client({ storeUrl: 'https://busy.example.com', concurrency: 2 });
    await Promise.all([1, 2, 3, 4, 5, 6].map((n) => capped.request({ method: 'GET', path: `orders/${n}` })));
    expect(most).toBe(2);
  });

  it('validates answers against their schema: an unexpected shape is a retryable error', () => {
    expect(() => wooOrder.fromResponse({ id: 'x' }, 'GET wc/v3/orders/1')).toThrow(RetryableError);
    expect(() => wooOrder.fromResponse({ id: 'x' }, 'GET wc/v3/orders/1')).toThrow(/invalid_response|order/);
  });
});
