import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../db/types.ts';
import { type ConnectionStore, type LoadedConnection, ConnectionStore as Store } from './connection-store.ts';

/** Only `call` is used: it needs neither the database, the registry nor the secrets. */
const store = (): ConnectionStore =>
  new Store(null as never, null as never, null as never, pino({ level: 'silent' }));

const loaded = (id: string, account: string, scope?: 'account'): LoadedConnection =>
  ({
    row: { id, connector: 'shipbob', external_account: account } as Connection,
    connector: {
      manifest: {
        rateLimit: { concurrency: 1, intervalMs: 60_000, intervalCap: 1, ...(scope ? { scope } : {}) },
      },
    },
    context: {},
  }) as unknown as LoadedConnection;

/** How many of the calls started within a short wait, given a limit of one call a minute. */
async function startedOf(connections: LoadedConnection[]): Promise<number> {
  const calls = store();
  let started = 0;
  for (const connection of connections) {
    void calls.call(connection, async () => {
      started += 1;
    });
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  return started;
}

describe('outbound calls and the remote rate limit', () => {
  it('counts every connection of one account against one limit when the platform does', async () => {
    expect(await startedOf([loaded('a', 'acct-1', 'account'), loaded('b', 'acct-1', 'account')])).toBe(1);
  });

  it('keeps separate limits for different accounts, and per connection otherwise', async () => {
    expect(await startedOf([loaded('a', 'acct-1', 'account'), loaded('b', 'acct-2', 'account')])).toBe(2);
    expect(await startedOf([loaded('a', 'acct-1'), loaded('b', 'acct-1')])).toBe(2);
  });
});
