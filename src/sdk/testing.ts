/**
 * For connector tests: a connection context that keeps its state and credentials in memory, the
 * way the hub's would keep them in the database.
 */
import { pino } from 'pino';
import type { ConnectionContext } from './contracts.ts';

export function createTestContext<S, C>(input: {
  settings: S;
  credentials: C;
  state?: Record<string, unknown>;
  connectionId?: string;
  merchantId?: string;
  externalAccount?: string;
  hubUrl?: string;
}): ConnectionContext<S, C> {
  const connectionId = input.connectionId ?? '00000000-0000-4000-8000-000000000001';
  const hubUrl = input.hubUrl ?? 'https://hub.example.com';
  const context: ConnectionContext<S, C> = {
    connectionId,
    merchantId: input.merchantId ?? '00000000-0000-4000-8000-000000000002',
    externalAccount: input.externalAccount ?? 'test-account',
    settings: input.settings,
    credentials: input.credentials,
    state: { ...(input.state ?? {}) },
    async saveState(patch) {
      Object.assign(context.state, patch);
    },
    async saveCredentials(credentials) {
      context.credentials = credentials;
    },
    hubUrl,
    webhookUrl: `${hubUrl}/webhooks/test/${connectionId}`,
    log: pino({ level: 'silent' }),
  };
  return context;
}
