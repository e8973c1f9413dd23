import { randomBytes } from 'node:crypto';
import { createConnectors } from '../../connectors/registry.ts';
import {
  createStorefrontSimulator,
  createThreePlSimulator,
  type StorefrontSimulator,
  type StorefrontSimulatorOptions,
  type ThreePlSimulator,
  type ThreePlSimulatorOptions,
} from '../../sandbox/index.ts';
import { loadConfig } from '../../src/config.ts';
import type { StorefrontConnector } from '../../src/sdk/contracts.ts';
import { type RunningHub, startHub } from '../../src/start-hub.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export const TEST_API_TOKEN = 'test-token-0123456789abcdefghij';
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

/** The environment a test hub runs with: fast polling and retries, quiet logs. */
export function testEnv(
  database: TestDatabase,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    DATA_DIR: database.dataDir,
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    API_TOKEN: TEST_API_TOKEN,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    LOG_LEVEL: process.env.HUB_TEST_LOG_LEVEL ?? 'silent',
    SANDBOX: 'false',
    JOB_POLL_INTERVAL_SECONDS: '0.5',
    JOB_RETRY_DELAY_SECONDS: '1',
    JOB_RETRY_DELAY_MAX_SECONDS: '2',
    JOB_RETRY_LIMIT: '4',
    JOB_HEARTBEAT_SECONDS: '10',
    JOB_SUPERVISE_INTERVAL_SECONDS: '1',
    ...overrides,
  };
}

export interface TestHub {
  running: RunningHub;
  database: TestDatabase;
  storefront: StorefrontSimulator;
  threePl: ThreePlSimulator;
  storefrontSecrets: { apiKey: string; webhookSecret: string };
  threePlSecrets: { apiKey: string; webhookSecret: string };
  merchantId: string;
  storefrontConnectionId: string;
  threePlConnectionId: string;
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

export interface TestHubOptions {
  env?: Record<string, string>;
  /** Replaces the sandbox storefront connector (a wrapper that records the hub's calls, say). */
  storefrontConnector?: StorefrontConnector;
  storefront?: Partial<StorefrontSimulatorOptions>;
  threePl?: Partial<ThreePlSimulatorOptions>;
  /** Start the job workers (default); off, deliveries are stored and their jobs wait. */
  workers?: boolean;
}

/** A hub on a throwaway database, with a sandbox storefront and 3PL connected over real HTTP. */
export async function startTestHub(options: TestHubOptions = {}): Promise<TestHub> {
  const database = await createTestDatabase();
  const running = await startHub(loadConfig(testEnv(database, options.env)), {
    ...(options.storefrontConnector
      ? { connectors: [...createConnectors({}), options.storefrontConnector] }
      : {}),
    ...(options.workers === false ? { workers: false } : {}),
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

  const secret = () => randomBytes(18).toString('base64url');
  const storefrontSecrets = { apiKey: secret(), webhookSecret: secret() };
  const threePlSecrets = { apiKey: secret(), webhookSecret: secret() };
  const storefront = createStorefrontSimulator({
    ...storefrontSecrets,
    webhookRetryDelayMs: 200,
    ...options.storefront,
  });
  const threePl = createThreePlSimulator({
    ...threePlSecrets,
    shipDelayMs: 500,
    webhookRetryDelayMs: 200,
    ...options.threePl,
  });
  const storefrontUrl = await storefront.listen(0);
  const threePlUrl = await threePl.listen(0);

  const merchant = await api<{ id: string }>('POST', '/api/merchants', { name: 'Test merchant' });
  const storefrontConnection = await api<{ id: string; webhookUrl: string }>('POST', '/api/connections', {
    merchantId: merchant.body.id,
    connector: options.storefrontConnector?.manifest.name ?? 'sandbox-storefront',
    externalAccount: `storefront-${secret()}`,
    settings: { baseUrl: storefrontUrl },
    credentials: storefrontSecrets,
  });
  const threePlConnection = await api<{ id: string; webhookUrl: string }>('POST', '/api/connections', {
    merchantId: merchant.body.id,
    connector: 'sandbox-3pl',
    externalAccount: `3pl-${secret()}`,
    settings: { baseUrl: threePlUrl },
    credentials: threePlSecrets,
    defaultFulfillment: true,
  });
  if (storefrontConnection.status !== 201 || threePlConnection.status !== 201) {
    throw new Error(
      `could not connect the sandbox: ${JSON.stringify([storefrontConnection, threePlConnection])}`,
    );
  }
  storefront.setWebhookUrl(storefrontConnection.body.webhookUrl);
  threePl.setWebhookUrl(threePlConnection.body.webhookUrl);

  return {
    running,
    database,
    storefront,
    threePl,
    storefrontSecrets,
    threePlSecrets,
    merchantId: merchant.body.id,
    storefrontConnectionId: storefrontConnection.body.id,
    threePlConnectionId: threePlConnection.body.id,
    api,
    async stop() {
      await storefront.close();
      await threePl.close();
      await running.stop();
      await database.drop();
    },
  };
}

/** Polls until the check returns a value (not undefined/false), or fails with the last value seen. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`,
  );
}

/** The hub's order for a storefront order id, as the API shows it. */
export async function findOrder(hub: TestHub, sourceOrderId: string): Promise<any | undefined> {
  const list = await hub.api<{ items: any[] }>('GET', '/api/orders?limit=200');
  const summary = list.body.items.find((o) => o.sourceOrderId === sourceOrderId);
  if (!summary) return undefined;
  return (await hub.api('GET', `/api/orders/${summary.id}`)).body;
}

export async function waitForOrderStatus(
  hub: TestHub,
  sourceOrderId: string,
  status: string,
  timeoutMs = 30_000,
) {
  return waitFor(
    async () => {
      const order = await findOrder(hub, sourceOrderId);
      return order?.status === status ? order : undefined;
    },
    `order ${sourceOrderId} to be ${status}`,
    timeoutMs,
  );
}
