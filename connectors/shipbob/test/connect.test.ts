import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { NeedsHumanError } from '../../../src/sdk/index.ts';
import { TOPICS } from '../webhook-subscriptions.ts';
import {
  API,
  CHANNEL,
  connector,
  fixture,
  PAT,
  SANDBOX_API,
  SECRET,
  shipBobContext,
  useNock,
  VERSION,
} from './helpers/shipbob-test-kit.ts';

useNock();

const created = (url: string, secret: string) => ({ ...fixture('webhook-created.json'), url, secret });

describe('connecting a ShipBob account with a Personal Access Token', () => {
  it('picks the channel with write scopes, subscribes every topic with a generated secret, and remembers both', async () => {
    const context = shipBobContext({
      credentials: { webhookSecret: undefined },
      state: { channelId: undefined },
    });
    let subscribed: { url: string; secret: string; topics: string[] } | null = null;
    nock(API, { reqheaders: { authorization: `Bearer ${PAT}` } })
      .get(`${VERSION}/channel`)
      .query(true)
      .reply(200, fixture('channels.json'))
      .get(`${VERSION}/webhook`)
      .query(true)
      .reply(200, { items: [], next: null, prev: null });
    // The channel header rides on the write; without it this interceptor does not match.
    nock(API, { reqheaders: { shipbob_channel_id: String(CHANNEL) } })
      .post(`${VERSION}/webhook`, (body) => {
        subscribed = body;
        return true;
      })
      .reply(200, () => created(context.webhookUrl, subscribed?.secret ?? ''));

    await connector.onConnect!(context);

    expect(context.state.channelId).toBe(CHANNEL);
    expect(subscribed).toMatchObject({ topics: [...TOPICS], url: context.webhookUrl });
    const secret = context.credentials.webhookSecret as string;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    expect((subscribed as unknown as { secret: string }).secret).toBe(secret);
    expect(context.state.subscription).toEqual({ id: '12345', url: context.webhookUrl, topics: [...TOPICS] });
  });

  it('does not subscribe twice when connected again', async () => {
    const context = shipBobContext({ state: { subscription: { id: '12345', url: 'x', topics: [] } } });
    nock(API)
      .get(`${VERSION}/webhook`)
      .query(true)
      .reply(200, {
        items: [
          {
            id: '12345',
            url: context.webhookUrl,
            topics: [...TOPICS],
            enabled: true,
            created_at: '2026-11-26T09:00:00Z',
          },
        ],
        next: null,
      });

    await connector.onConnect!(context);

    expect(context.credentials.webhookSecret).toBe(SECRET);
    expect(context.state.subscription).toMatchObject({ id: '12345' });
  });

  it('health check re-creates a subscription ShipBob lost or disabled, and leaves other integrations alone', async () => {
    const context = shipBobContext();
    nock(API)
      .get(`${VERSION}/webhook`)
      .query(true)
      .reply(200, {
        items: [
          { id: '777', url: context.webhookUrl, topics: [...TOPICS], enabled: false },
          {
            id: '888',
            url: 'https://other-integration.example/hooks',
            topics: ['order.shipped'],
            enabled: true,
          },
        ],
        next: null,
      })
      // Only ours: a DELETE of 888 would find no interceptor and fail the test.
      .delete(`${VERSION}/webhook/777`)
      .reply(204)
      .post(`${VERSION}/webhook`)
      .reply(200, () => created(context.webhookUrl, SECRET));

    const health = await connector.checkHealth!(context);

    expect(health).toEqual({ healthy: false, repaired: ['deleted:777', 'created:12345'], catchUp: true });
    expect(context.credentials.webhookSecret).toBe(SECRET);
  });

  it('talks to the sandbox host when the connection is a sandbox one', async () => {
    const context = shipBobContext({ settings: { environment: 'sandbox' } });
    nock(SANDBOX_API)
      .get(`${VERSION}/webhook`)
      .query(true)
      .reply(200, {
        items: [{ id: '1', url: context.webhookUrl, topics: [...TOPICS], enabled: true }],
        next: null,
      });
    await connector.checkHealth!(context);
  });
});

describe('choosing the channel', () => {
  it('uses the channel the settings name when it can write', async () => {
    const context = shipBobContext({ settings: { channelId: 100250 }, state: { channelId: undefined } });
    nock(API).get(`${VERSION}/channel`).query(true).reply(200, fixture('channels-two-writable.json'));
    nock(API)
      .get(`${VERSION}/webhook`)
      .query(true)
      .reply(200, { items: [{ id: '1', url: context.webhookUrl, topics: [...TOPICS] }] });
    await connector.onConnect!(context);
    expect(context.state.channelId).toBe(100250);
  });

  it('stops and lists the candidates when several channels can write and none is chosen', async () => {
    const context = shipBobContext({ state: { channelId: undefined } });
    nock(API).get(`${VERSION}/channel`).query(true).reply(200, fixture('channels-two-writable.json'));
    const failure = await connector.onConnect!(context).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NeedsHumanError);
    expect(failure).toMatchObject({ code: 'channel_choice_needed' });
    expect((failure as Error).message).toContain('100102');
    expect((failure as Error).message).toContain('100250');
    expect(context.state.channelId).toBeUndefined();
  });

  it('refuses a named channel that can only read', async () => {
    const context = shipBobContext({ settings: { channelId: 100103 }, state: { channelId: undefined } });
    nock(API).get(`${VERSION}/channel`).query(true).reply(200, fixture('channels.json'));
    await expect(connector.onConnect!(context)).rejects.toMatchObject({ code: 'channel_not_writable' });
  });

  it('says so when a pasted token is refused', async () => {
    const context = shipBobContext({ state: { channelId: undefined } });
    nock(API).get(`${VERSION}/channel`).query(true).reply(401, { message: 'Unauthorized' });
    await expect(connector.onConnect!(context)).rejects.toMatchObject({ code: 'credentials_rejected' });
  });
});
