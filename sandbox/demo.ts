import { randomBytes } from 'node:crypto';
import type { Config } from '../src/config.ts';
import type { Hub } from '../src/pipeline/hub.ts';
import { saveConnection, webhookUrlFor } from '../src/pipeline/manage-connections.ts';
import { syncLocations } from '../src/pipeline/reconcile/sync-locations.ts';
import {
  createStorefrontSimulator,
  createThreePlSimulator,
  parseLocations,
  type StorefrontSimulator,
  type ThreePlSimulator,
} from './index.ts';

export interface SandboxDemo {
  storefront: StorefrontSimulator;
  threePl: ThreePlSimulator;
  merchantId: string;
  storefrontConnectionId: string;
  threePlConnectionId: string;
  stop(): Promise<void>;
}

const DEMO_MERCHANT = 'Demo merchant (sandbox)';

/**
 * A newcomer's hub is not empty: a simulated storefront places orders and a simulated 3PL ships
 * them, both over real HTTP with signed webhooks, through the same pipeline as real connectors.
 */
export async function startSandboxDemo(
  hub: Hub,
  config: Config['sandbox'],
  hubUrl: string,
): Promise<SandboxDemo> {
  const secret = () => randomBytes(24).toString('base64url');
  // The simulators forget everything when the process stops, but the hub's data folder does not:
  // a run id keeps this run's order and 3PL ids apart from those the hub stored in earlier runs.
  const runId = Date.now();
  const storefrontCredentials = { apiKey: secret(), webhookSecret: secret() };
  const threePlCredentials = { apiKey: secret(), webhookSecret: secret() };
  const storefront = createStorefrontSimulator({
    ...storefrontCredentials,
    orderIntervalMs: 0,
    runId,
    logger: hub.log.child({ sandbox: 'storefront' }),
  });
  const threePl = createThreePlSimulator({
    ...threePlCredentials,
    shipDelayMs: config.shipDelayMs,
    ...(config.threePlLocations?.trim() ? { locations: parseLocations(config.threePlLocations) } : {}),
    runId,
    logger: hub.log.child({ sandbox: '3pl' }),
  });
  const storefrontUrl = await storefront.listen(config.port);
  const threePlUrl = await threePl.listen(config.port === 0 ? 0 : config.port + 1);

  let merchant = await hub.db
    .selectFrom('merchants')
    .select('id')
    .where('name', '=', DEMO_MERCHANT)
    .executeTakeFirst();
  merchant ??= await hub.db
    .insertInto('merchants')
    .values({ name: DEMO_MERCHANT })
    .returning('id')
    .executeTakeFirstOrThrow();

  // Re-saved on every start: the simulators' ports and secrets are new each time.
  const storefrontConnection = await saveConnection(hub, {
    merchantId: merchant.id,
    connector: 'sandbox-storefront',
    externalAccount: 'sandbox-storefront',
    settings: { baseUrl: storefrontUrl },
    credentials: storefrontCredentials,
  });
  const threePlConnection = await saveConnection(hub, {
    merchantId: merchant.id,
    connector: 'sandbox-3pl',
    externalAccount: 'sandbox-3pl',
    settings: { baseUrl: threePlUrl },
    credentials: threePlCredentials,
    defaultFulfillment: true,
  });
  const loadedThreePl = await hub.connections.get(threePlConnection.id);
  // The demo starts without its warehouses' addresses rather than not at all; reconciling lists them again.
  if (loadedThreePl)
    await syncLocations(hub, loadedThreePl).catch((error: unknown) =>
      hub.log.warn({ err: error }, 'listing the sandbox 3PL locations failed'),
    );
  storefront.setWebhookUrl(webhookUrlFor(hubUrl, storefrontConnection));
  threePl.setWebhookUrl(webhookUrlFor(hubUrl, threePlConnection));

  const timer =
    config.orderIntervalMs > 0
      ? setInterval(() => {
          storefront.placeOrder();
        }, config.orderIntervalMs)
      : null;
  timer?.unref();

  return {
    storefront,
    threePl,
    merchantId: merchant.id,
    storefrontConnectionId: storefrontConnection.id,
    threePlConnectionId: threePlConnection.id,
    async stop() {
      if (timer) clearInterval(timer);
      await storefront.close();
      await threePl.close();
    },
  };
}
