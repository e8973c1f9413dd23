import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { type RunningHub, startHub } from '../src/start-hub.ts';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.ts';
import { TEST_API_TOKEN, testEnv } from './helpers/test-hub.ts';

describe('the OpenAPI document at /docs/json', () => {
  let database: TestDatabase;
  let hub: RunningHub;
  let document: any;
  beforeAll(async () => {
    database = await createTestDatabase();
    hub = await startHub(loadConfig(testEnv(database)), { workers: false });
    document = await (await fetch(`${hub.url}/docs/json`)).json();
  });
  afterAll(async () => {
    await hub?.stop();
    await database?.drop();
  });

  const operations = () =>
    Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );

  it('asks for the bearer token on the admin API, and only there', async () => {
    expect(document.security).toBeUndefined();
    const api = operations().filter((o) => o.path.startsWith('/api/'));
    const open = operations().filter((o) => !o.path.startsWith('/api/'));
    expect(api.length).toBeGreaterThan(5);
    for (const { path, method, operation } of api)
      expect(operation.security, `${method} ${path}`).toEqual([{ bearer: [] }]);
    const openPaths = open.map((o) => o.path);
    for (const path of ['/healthz', '/readyz', '/metrics', '/webhooks/{connector}/{connectionId}'])
      expect(openPaths).toContain(path);
    expect(openPaths.some((path) => path.startsWith('/install/'))).toBe(true);
    for (const { path, method, operation } of open)
      expect(operation.security, `${method} ${path}`).toBeUndefined();
  });

  it('matches what the hub enforces', async () => {
    expect((await fetch(`${hub.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${hub.url}/api/orders`)).status).toBe(401);
    const authorized = await fetch(`${hub.url}/api/orders`, {
      headers: { authorization: `Bearer ${TEST_API_TOKEN}` },
    });
    expect(authorized.status).toBe(200);
  });
});
