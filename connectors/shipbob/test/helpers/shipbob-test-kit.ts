/** What every ShipBob connector test shares: fixtures, a connection context, signed deliveries. */
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { type InboundRequest, signStandardWebhook } from '../../../../src/sdk/index.ts';
import { createTestContext } from '../../../../src/sdk/testing.ts';
import type { ShipBobCredentials, ShipBobSettings } from '../../connection.ts';
import { createShipBobConnector } from '../../shipbob-connector.ts';
import { resetTokenCache } from '../../token-refresh.ts';

export const API = 'https://api.shipbob.com';
export const SANDBOX_API = 'https://sandbox-api.shipbob.com';
export const AUTH = 'https://auth.shipbob.com';
export const VERSION = '/2026-07';
export const PAT = 'pat-0123456789abcdef0123456789abcdef';
export const CHANNEL = 100102;
export const REFERENCE = '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f';
export const ORDER_ID = 100000001;
/** A Standard Webhooks secret (`whsec_` + base64). */
export const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
export const APP = {
  clientId: 'hub-client-id',
  clientSecret: 'hub-client-secret',
  scopes: ['orders_read', 'offline_access'],
};

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

export const connector = createShipBobConnector({ app: APP });

export function shipBobContext(
  input: {
    settings?: Partial<ShipBobSettings>;
    credentials?: Partial<ShipBobCredentials>;
    state?: Record<string, unknown>;
    connectionId?: string;
  } = {},
) {
  return createTestContext<ShipBobSettings, ShipBobCredentials>({
    connectionId: input.connectionId,
    settings: { shippingMethods: { 'Standard Shipping': 'Standard' }, ...input.settings },
    credentials: { kind: 'pat', accessToken: PAT, webhookSecret: SECRET, ...input.credentials },
    state: { channelId: CHANNEL, connectedAt: '2026-11-01T00:00:00.000Z', ...input.state },
  });
}

/** A delivery as ShipBob would send it: Standard Webhooks headers over the exact bytes. */
export function signedDelivery(
  topic: string,
  body: unknown,
  options: { id?: string; at?: Date; secret?: string } = {},
): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return {
    headers: {
      'content-type': 'application/json',
      'x-webhook-topic': topic,
      ...signStandardWebhook(options.secret ?? SECRET, {
        id: options.id ?? 'msg_2p5Xc0d7MywZ3VwJ6YHh1rQyLkN',
        timestamp: options.at ?? new Date(),
        body: rawBody,
      }),
    },
    rawBody,
  };
}

/** nock at the network edge, and nothing left unmatched or unused after each test. */
export function useNock(): void {
  beforeAll(() => nock.disableNetConnect());
  beforeEach(() => resetTokenCache());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
}
