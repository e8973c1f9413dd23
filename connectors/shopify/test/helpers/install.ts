/** The hub's side of an install, in memory, and Shopify's signature on the callback query. */
import { createHmac } from 'node:crypto';
import pino from 'pino';
import type { InstallApi } from '../../../../src/sdk/index.ts';
import { API_SECRET } from './fixtures.ts';

export interface FakeInstallApi extends InstallApi {
  connected: Parameters<InstallApi['connect']>[0][];
  nonces: Map<string, Record<string, unknown>>;
  active: Set<string>;
  /** Shops connected before and uninstalled since. */
  uninstalled: Set<string>;
  failConnect: Error | null;
}

export function fakeInstallApi(): FakeInstallApi {
  let sequence = 0;
  const api: FakeInstallApi = {
    hubUrl: 'https://hub.example.com',
    log: pino({ level: 'silent' }),
    connected: [],
    nonces: new Map(),
    active: new Set(),
    uninstalled: new Set(),
    failConnect: null,
    async issueNonce(data) {
      sequence += 1;
      const nonce = `nonce-${sequence}-abcdefghijklmnop`;
      api.nonces.set(nonce, data);
      return nonce;
    },
    async consumeNonce(nonce) {
      const data = api.nonces.get(nonce) ?? null;
      api.nonces.delete(nonce);
      return data;
    },
    async connect(input) {
      if (api.failConnect) throw api.failConnect;
      api.connected.push(input);
      api.active.add(input.externalAccount);
      return {
        connectionId: 'c-1',
        merchantId: 'm-1',
        webhookUrl: 'https://hub.example.com/webhooks/shopify/c-1',
      };
    },
    async findConnection(externalAccount) {
      if (api.active.has(externalAccount))
        return { connectionId: 'c-1', merchantId: 'm-1', status: 'active' };
      if (api.uninstalled.has(externalAccount)) {
        return { connectionId: 'c-1', merchantId: 'm-1', status: 'uninstalled' };
      }
      return null;
    },
  };
  return api;
}

/** Shopify's query signature: hex HMAC-SHA256 over the sorted query without `hmac`. */
export function signedQuery(params: Record<string, string>, secret = API_SECRET): Record<string, string> {
  const message = new URLSearchParams(Object.entries(params).sort(([a], [b]) => a.localeCompare(b)))
    .toString()
    .replace(/\+/g, '%20');
  return { ...params, hmac: createHmac('sha256', secret).update(message).digest('hex') };
}

export const nowSeconds = () => String(Math.trunc(Date.now() / 1000));
