// biome-ignore-all lint/suspicious/noExplicitAny: Shopify payloads and test state are handled loosely here, as the tests do.
/**
 * A real hub over HTTP on a throwaway database, with the Shopify connector installed through its
 * OAuth routes against a fake shop (nock, at the network edge) and the sandbox 3PL simulator
 * connected as the merchant's warehouse. Hub ↔ simulator traffic is real HTTP on 127.0.0.1.
 */
import nock from 'nock';
import { createThreePlSimulator, type ThreePlSimulator } from '../../../../sandbox/index.ts';
import { loadConfig } from '../../../../src/config.ts';
import { type RunningHub, startHub } from '../../../../src/start-hub.ts';
import { createTestDatabase, type TestDatabase } from '../../../../test/helpers/test-database.ts';
import { TEST_API_TOKEN, testEnv, waitFor } from '../../../../test/helpers/test-hub.ts';
import { createConnectors } from '../../../registry.ts';
import type { ShopifyMode } from '../../connection.ts';
import { forgetBuckets } from '../../rate-limiter.ts';
import { createShopifyConnector } from '../../shopify-connector.ts';
import { forgetCredentials } from '../../token-refresh.ts';
import { testAppConfig } from './connector-deps.ts';
import { shopifyHeaders } from './deliveries.ts';
import { FakeShop } from './fake-shop.ts';
import { SHOP } from './fixtures.ts';
import { nowSeconds, signedQuery } from './install.ts';

/** The reference order's SKUs, all stocked by the 3PL. */
export const FIXTURE_STOCK = {
  'SKU2006-001': 40,
  'LENS-PROTECT-2YR': 500,
  'CASE-LEATHER-PREM': 25,
  'SKU2006-020': 7,
  'SKU2006-035': 12,
};

export interface ShopifyHub {
  running: RunningHub;
  database: TestDatabase;
  shop: FakeShop;
  threePl: ThreePlSimulator;
  connectionId: string;
  merchantId: string;
  webhookUrl: string;
  /** The install's OAuth callback answer, for the install test. */
  installStatus: number;
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Posts a webhook as Shopify would: to the app-wide route, or to the connection's own. */
  postWebhook(
    topic: string,
    body: Buffer,
    options?: { webhookId?: string; hmac?: string | null; route?: 'app' | 'connection' },
  ): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export async function startShopifyHub(options: {
  mode: ShopifyMode;
  /** The lifetime of the tokens the shop issues (Shopify: 3,600 s). */
  tokenLifetimeSeconds?: number;
  threePl?: Partial<Parameters<typeof createThreePlSimulator>[0]>;
  /** Overrides of the hub's environment (see testEnv). */
  env?: Record<string, string>;
}): Promise<ShopifyHub> {
  forgetBuckets();
  forgetCredentials();
  nock.disableNetConnect();
  // The hub, the 3PL simulator and the test talk over real HTTP on this machine.
  nock.enableNetConnect('127.0.0.1');
  const shop = new FakeShop(SHOP).start();
  if (options.tokenLifetimeSeconds) shop.tokenLifetimeSeconds = options.tokenLifetimeSeconds;

  const database = await createTestDatabase();
  const shopify = createShopifyConnector(testAppConfig({ appUrl: null }));
  const running = await startHub(loadConfig(testEnv(database, options.env)), {
    connectors: [
      ...createConnectors({}).filter((connector) => connector.manifest.name !== 'shopify'),
      shopify,
    ],
  });
  const api = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${running.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TEST_API_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  };

  // The merchant opens the install link, approves in Shopify, and Shopify redirects back.
  const begin = await fetch(`${running.url}/install/shopify?shop=${SHOP}&mode=${options.mode}`, {
    redirect: 'manual',
  });
  if (begin.status !== 302) throw new Error(`install start answered ${begin.status}: ${await begin.text()}`);
  const authorize = new URL(begin.headers.get('location') ?? '');
  const cookie = (begin.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const query = signedQuery({
    code: 'authorization-code-1',
    host: Buffer.from(`${SHOP}/admin`).toString('base64url'),
    shop: SHOP,
    state: authorize.searchParams.get('state') ?? '',
    timestamp: nowSeconds(),
  });
  const callback = await fetch(
    `${authorize.searchParams.get('redirect_uri')}?${new URLSearchParams(query)}`,
    { headers: { cookie }, redirect: 'manual' },
  );
  if (callback.status !== 200)
    throw new Error(`install callback answered ${callback.status}: ${await callback.text()}`);

  const connections = await api<{ items: any[] }>('GET', '/api/connections');
  const connection = connections.body.items.find((item) => item.connector === 'shopify');
  if (!connection) throw new Error('the install created no connection');

  const threePlSecrets = { apiKey: 'threepl-key-0123456789', webhookSecret: 'threepl-secret-0123456789' };
  const threePl = createThreePlSimulator({
    ...threePlSecrets,
    stock: FIXTURE_STOCK,
    shipDelayMs: 0, // ships when a test says so
    webhookRetryDelayMs: 200,
    ...options.threePl,
  });
  const threePlUrl = await threePl.listen(0, '127.0.0.1');
  const warehouse = await api<{ id: string; webhookUrl: string }>('POST', '/api/connections', {
    merchantId: connection.merchantId,
    connector: 'sandbox-3pl',
    externalAccount: 'threepl-account-1',
    settings: { baseUrl: threePlUrl },
    credentials: threePlSecrets,
    defaultFulfillment: true,
  });
  if (warehouse.status !== 201)
    throw new Error(`could not connect the 3PL: ${JSON.stringify(warehouse.body)}`);
  threePl.setWebhookUrl(warehouse.body.webhookUrl);

  return {
    running,
    database,
    shop,
    threePl,
    connectionId: connection.id,
    merchantId: connection.merchantId,
    webhookUrl: connection.webhookUrl,
    installStatus: callback.status,
    api,
    async postWebhook(topic, body, postOptions = {}) {
      const url =
        postOptions.route === 'connection' ? connection.webhookUrl : `${running.url}/webhooks/shopify`;
      const headers = shopifyHeaders(body, {
        topic,
        ...(postOptions.webhookId ? { webhookId: postOptions.webhookId } : {}),
        ...(postOptions.hmac !== undefined ? { hmac: postOptions.hmac } : {}),
      });
      const response = await fetch(url, { method: 'POST', headers, body });
      return { status: response.status, body: await response.json() };
    },
    async stop() {
      await threePl.close();
      await running.stop();
      await database.drop();
      nock.cleanAll();
      nock.enableNetConnect();
    },
  };
}

/** Polls until the check returns a value, or fails naming what it waited for (the suite's own waitFor). */
export function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  return waitFor(async () => check(), what, timeoutMs);
}

/** The hub's view of a Shopify order (by its numeric id), or undefined. */
export async function hubOrder(hub: ShopifyHub, sourceOrderId: string): Promise<any | undefined> {
  const list = await hub.api<{ items: any[] }>('GET', '/api/orders?limit=200');
  const summary = list.body.items.find((order) => order.sourceOrderId === sourceOrderId);
  return summary ? (await hub.api('GET', `/api/orders/${summary.id}`)).body : undefined;
}
