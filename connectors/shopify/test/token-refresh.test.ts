/**
 * Expiring offline tokens: refreshed a few minutes before they expire, with the library's
 * refresh-token grant against the shop's token endpoint (nock), once per shop at a time, and the
 * new pair stored before it is used.
 */
import { describe, expect, it } from 'vitest';
import { NeedsHumanError } from '../../../src/sdk/index.ts';
import { webhookSubscriptions } from '../graphql/setup.ts';
import { testDeps } from './helpers/connector-deps.ts';
import { testContext, validCredentials } from './helpers/context.ts';
import { FakeShop } from './helpers/fake-shop.ts';
import { API_KEY, API_SECRET, SHOP } from './helpers/fixtures.ts';
import { isolateShopify } from './helpers/isolation.ts';

isolateShopify();

const list = { uri: 'https://hub.example.com/webhooks/shopify/x' };

function expiringIn(ms: number) {
  return validCredentials({
    expiresAt: new Date(Date.now() + ms).toISOString(),
    refreshToken: 'shprt_current',
  });
}

describe('refreshing the offline token', () => {
  it('refreshes a token about to expire before calling, and stores the new pair', async () => {
    const shop = new FakeShop(SHOP).start();
    shop.refreshTokens.add('shprt_current');
    const context = testContext({ credentials: expiringIn(2 * 60_000) });
    await testDeps().admin(context, webhookSubscriptions, list);

    expect(shop.tokenRequests).toEqual([
      {
        client_id: API_KEY,
        client_secret: API_SECRET,
        refresh_token: 'shprt_current',
        grant_type: 'refresh_token',
      },
    ]);
    expect(context.savedCredentials).toHaveLength(1);
    const saved = context.savedCredentials[0]!;
    expect(saved.accessToken).toMatch(/^shpat_/);
    expect(saved.refreshToken).toMatch(/^shprt_/);
    expect(saved.refreshToken).not.toBe('shprt_current');
    expect(Date.parse(saved.expiresAt!) - Date.now()).toBeGreaterThan(3500_000);
    expect(Date.parse(saved.refreshTokenExpiresAt!) - Date.now()).toBeGreaterThan(80 * 86400_000);
    // The call went out with the new token, not the old one.
    expect(shop.calls.map((call) => call.accessToken)).toEqual([saved.accessToken]);
  });

  it('refreshes once for many concurrent calls of one shop', async () => {
    const shop = new FakeShop(SHOP).start();
    shop.refreshTokens.add('shprt_current');
    const context = testContext({ credentials: expiringIn(60_000) });
    const deps = testDeps();
    await Promise.all(Array.from({ length: 5 }, () => deps.admin(context, webhookSubscriptions, list)));
    expect(shop.tokenRequests).toHaveLength(1);
    expect(context.savedCredentials).toHaveLength(1);
    expect(new Set(shop.calls.map((call) => call.accessToken))).toEqual(
      new Set([context.savedCredentials[0]!.accessToken]),
    );
  });

  it('leaves a token with time left alone, and never refreshes a non-expiring one', async () => {
    const shop = new FakeShop(SHOP).start();
    shop.tokens.add('shpat_initial');
    await testDeps().admin(testContext({ credentials: validCredentials() }), webhookSubscriptions, list);
    await testDeps().admin(
      testContext({
        credentials: validCredentials({ expiresAt: null, refreshToken: null, refreshTokenExpiresAt: null }),
      }),
      webhookSubscriptions,
      list,
    );
    expect(shop.tokenRequests).toEqual([]);
  });

  it('refreshes and retries once when Shopify rejects a token it had not yet expired (401)', async () => {
    const shop = new FakeShop(SHOP).start();
    shop.refreshTokens.add('shprt_current');
    const context = testContext({ credentials: expiringIn(30 * 60_000) }); // 'shpat_initial' is not accepted
    await testDeps().admin(context, webhookSubscriptions, list);
    expect(shop.calls.map((call) => call.outcome)).toEqual(['unauthorized', 'ok']);
    expect(shop.tokenRequests).toHaveLength(1);
  });

  it('needs the merchant when the refresh token is refused', async () => {
    new FakeShop(SHOP).start(); // knows no refresh token: answers invalid_grant
    const context = testContext({ credentials: expiringIn(60_000) });
    const error = await testDeps()
      .admin(context, webhookSubscriptions, list)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NeedsHumanError);
    expect(error).toMatchObject({ code: 'refresh_rejected' });
    expect(context.savedCredentials).toEqual([]);
  });
});
