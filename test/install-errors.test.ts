/**
 * A connector's install route that fails answers the browser with a plain 500: the error's detail
 * (which may name hosts, keys or SQL) stays in the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxStorefront } from '../connectors/sandbox/index.ts';
import type { StorefrontConnector } from '../src/sdk/contracts.ts';
import { startTestHub, type TestHub } from './helpers/test-hub.ts';

const SECRET_DETAIL = 'connect ECONNREFUSED 10.0.0.7:5432 (key ck_live_abc)';

const failingInstall: StorefrontConnector = {
  ...sandboxStorefront,
  manifest: { ...sandboxStorefront.manifest, name: 'failing-install' },
  install: {
    routes: [
      {
        method: 'POST',
        path: '/answers-500',
        handler: async () => ({ status: 500, body: { error: 'connect_failed', message: SECRET_DETAIL } }),
      },
      {
        method: 'GET',
        path: '/throws',
        handler: async () => {
          throw new Error(SECRET_DETAIL);
        },
      },
    ],
  },
};

describe('an install route that fails', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ storefrontConnector: failingInstall, workers: false });
  });
  afterAll(async () => hub?.stop());

  it('shows the browser no error message, whether it answers 500 or throws', async () => {
    for (const [method, path] of [
      ['POST', '/install/failing-install/answers-500'],
      ['GET', '/install/failing-install/throws'],
    ] as const) {
      const response = await fetch(`${hub.running.url}${path}`, { method });
      const text = await response.text();
      expect(response.status, path).toBe(500);
      expect(text, path).not.toContain('ECONNREFUSED');
      expect(JSON.parse(text), path).toEqual({ error: 'internal_error', message: 'internal server error' });
    }
  });
});
