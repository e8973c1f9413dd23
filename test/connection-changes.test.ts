import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxStorefront } from '../connectors/sandbox/index.ts';
import type { StorefrontConnector } from '../src/sdk/contracts.ts';
import { NeedsHumanError, RetryableError } from '../src/sdk/errors.ts';
import { hmacSha256 } from '../src/sdk/signature.ts';
import { startTestHub, type TestHub, waitForOrderStatus } from './helpers/test-hub.ts';

/**
 * A platform for the sandbox storefront that, like WooCommerce, calls the webhook URL while it is
 * being set up and keeps the secret it was armed with: what the hub's set-up did there is visible.
 */
function platformStorefront() {
  const platform = {
    /** The secret the platform signs with now. */
    armedWith: null as string | null,
    setUps: [] as { connectionId: string; webhookUrl: string; baseUrl: string }[],
    pings: [] as number[],
  };
  const refuses = (baseUrl: unknown) => String(baseUrl).includes('refused');
  const connector: StorefrontConnector = {
    ...sandboxStorefront,
    manifest: { ...sandboxStorefront.manifest, name: 'platform-storefront' },
    parseWebhook(request, context) {
      if (request.headers['x-sandbox-topic'] === 'test/ping') {
        return { topic: 'test/ping', dedupeKey: 'ping', serialKey: null, nothingToApply: true };
      }
      return sandboxStorefront.parseWebhook(request, context);
    },
    async checkConnection(context) {
      if (refuses(context.settings.baseUrl))
        throw new NeedsHumanError('store_url_refused', 'this address is refused');
    },
    async onConnect(context) {
      platform.setUps.push({
        connectionId: context.connectionId,
        webhookUrl: context.webhookUrl,
        baseUrl: String(context.settings.baseUrl),
      });
      const secret = String(context.credentials.webhookSecret);
      platform.armedWith = secret;
      const body = '{"ping":true}';
      const ping = await fetch(context.webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-sandbox-topic': 'test/ping',
          'x-sandbox-event-id': `ping-${Math.random()}`,
          'x-sandbox-signature': hmacSha256(secret, body, 'base64'),
        },
        body,
      });
      platform.pings.push(ping.status);
      if (String(context.settings.baseUrl).includes('halfway'))
        throw new RetryableError('platform_unavailable', 'the platform failed halfway through the set-up');
      await context.saveState({ connectedTo: context.webhookUrl });
    },
  };
  return { connector, platform };
}

describe('a connection change that is refused changes nothing', () => {
  const { connector, platform } = platformStorefront();
  let hub: TestHub;
  let storefront: any;
  let baseUrl: string;

  const connections = async () => (await hub.api('GET', '/api/connections')).body.items as any[];
  const merchant = async () =>
    (await hub.api('GET', '/api/merchants')).body.items.find((m: any) => m.id === hub.merchantId);
  const post = (body: Record<string, unknown>) =>
    hub.api('POST', '/api/connections', { merchantId: hub.merchantId, ...body });
  /** A storefront order signed with this secret, straight to the connection's webhook URL. */
  const signedOrder = async (secret: string) => {
    const order = { ...hub.storefront.placeOrder({ lines: [{ sku: 'SBX-MUG', quantity: 1 }] }) };
    order.id = `${order.id}9`;
    const body = JSON.stringify(order);
    const response = await fetch(
      `${hub.running.url}/webhooks/platform-storefront/${hub.storefrontConnectionId}`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-sandbox-topic': 'orders/create',
          'x-sandbox-event-id': `evt-${order.id}`,
          'x-sandbox-signature': hmacSha256(secret, body, 'base64'),
        },
        body,
      },
    );
    return { status: response.status, order };
  };

  beforeAll(async () => {
    hub = await startTestHub({ storefrontConnector: connector });
    storefront = (await connections()).find((c) => c.id === hub.storefrontConnectionId);
    baseUrl = storefront.settings.baseUrl;
  });
  afterAll(async () => hub?.stop());

  it('sets a connection up under the id its row gets, and answers the platform while it does', async () => {
    expect(platform.setUps[0]).toEqual({
      connectionId: hub.storefrontConnectionId,
      webhookUrl: storefront.webhookUrl,
      baseUrl,
    });
    // The platform called the webhook URL before the row was stored; it got its 200.
    expect(platform.pings).toEqual([200]);
  });

  it('stores no row for a refused new connection', async () => {
    const before = await connections();
    for (let i = 1; i <= 9; i++) {
      const refused = await post({
        connector: 'platform-storefront',
        externalAccount: `new-store-${i}`,
        settings: { baseUrl: `http://refused-${i}.example` },
        credentials: { apiKey: `key-${i}`, webhookSecret: `secret-${i}` },
      });
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ error: 'store_url_refused' });
      expect(refused.body.message).toContain('Nothing was stored');
    }
    const failed = await post({
      connector: 'platform-storefront',
      externalAccount: 'new-store-halfway',
      settings: { baseUrl: 'http://halfway.example' },
      credentials: { apiKey: 'key', webhookSecret: 'secret' },
    });
    expect(failed.status).toBe(422);
    expect(await connections()).toEqual(before);
  });

  it('leaves an existing connection exactly as it was when a change is refused', async () => {
    const setUps = platform.setUps.length;
    const refused = await post({
      connector: 'platform-storefront',
      externalAccount: storefront.externalAccount,
      settings: { baseUrl: 'http://refused.example' },
      credentials: { apiKey: 'pasted-key', webhookSecret: 'pasted-secret' },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toContain('unchanged');
    expect(platform.setUps).toHaveLength(setUps);
    expect((await connections()).find((c) => c.id === storefront.id)).toEqual(storefront);
    // Its credentials too: the store's orders, signed with the secret it had, still arrive and ship.
    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-TEE-M', quantity: 1 }] });
    await waitForOrderStatus(hub, placed.id, 'accepted');
    expect((await signedOrder('pasted-secret')).status).toBe(401);
  });

  it('keeps the previous configuration when a set-up fails part-way, and puts it back at the platform', async () => {
    const failed = await post({
      connector: 'platform-storefront',
      externalAccount: storefront.externalAccount,
      settings: { baseUrl: 'http://halfway.example' },
      credentials: { apiKey: 'new-key', webhookSecret: 'new-secret' },
    });
    expect(failed.status).toBe(422);
    expect(failed.body.error).toBe('platform_unavailable');
    expect(failed.body.message).toContain('previous configuration stays active');
    expect((await connections()).find((c) => c.id === storefront.id)).toEqual(storefront);
    // The failed set-up had armed the platform with the new secret; it was set up again with the old.
    expect(platform.setUps.slice(-2).map((s) => s.baseUrl)).toEqual(['http://halfway.example', baseUrl]);
    expect(platform.armedWith).toBe(hub.storefrontSecrets.webhookSecret);
    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-TEE-M', quantity: 1 }] });
    await waitForOrderStatus(hub, placed.id, 'accepted');
  });

  it('changes neither the sandbox connections nor the default 3PL for a refused change', async () => {
    const before = await connections();
    const defaultBefore = (await merchant()).defaultFulfillmentConnectionId;
    const threePl = before.find((c) => c.id === hub.threePlConnectionId);
    const attempts = [
      // An existing 3PL with settings its manifest refuses.
      {
        connector: 'sandbox-3pl',
        externalAccount: threePl.externalAccount,
        settings: { baseUrl: 'not a url' },
      },
      // A new 3PL that would have become the default.
      {
        connector: 'sandbox-3pl',
        externalAccount: 'another-3pl',
        settings: { baseUrl: 'http://127.0.0.1:9' },
        credentials: { apiKey: 'k' },
        defaultFulfillment: true,
      },
      { connector: 'sandbox-storefront', externalAccount: 'a-sandbox-store', settings: {} },
    ];
    for (const attempt of attempts) {
      const refused = await post({ credentials: { apiKey: 'k', webhookSecret: 's' }, ...attempt });
      expect(refused.status).toBe(400);
    }
    expect(await connections()).toEqual(before);
    expect((await merchant()).defaultFulfillmentConnectionId).toBe(defaultBefore);
    const placed = hub.storefront.placeOrder({ lines: [{ sku: 'SBX-CAP', quantity: 1 }] });
    await waitForOrderStatus(hub, placed.id, 'accepted');
  });

  it('applies a change whose set-up succeeds', async () => {
    const changed = await post({
      connector: 'platform-storefront',
      externalAccount: storefront.externalAccount,
      settings: { baseUrl },
      credentials: { apiKey: hub.storefrontSecrets.apiKey, webhookSecret: 'rotated-secret' },
    });
    expect(changed.status).toBe(201);
    expect(changed.body).toMatchObject({
      id: storefront.id,
      status: 'active',
      webhookUrl: storefront.webhookUrl,
    });
    expect(platform.pings.at(-1)).toBe(200);
    expect((await signedOrder('rotated-secret')).status).toBe(200);
    expect((await signedOrder(hub.storefrontSecrets.webhookSecret)).status).toBe(401);
  });
});
