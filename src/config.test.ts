import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('starts with defaults on an empty environment: embedded database, sandbox on', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBeNull();
    expect(config.port).toBe(3000);
    expect(config.sandbox.enabled).toBe(true);
  });

  it('names the variable that is malformed', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ ENCRYPTION_KEY: 'short' })).toThrow(/ENCRYPTION_KEY/);
  });

  it('demands real secrets in production and turns the sandbox off there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/API_TOKEN/);
    const config = loadConfig({
      NODE_ENV: 'production',
      API_TOKEN: 'a'.repeat(32),
      ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
    });
    expect(config.sandbox.enabled).toBe(false);
  });

  it('keeps delivery bodies 30 days and obeys a remote\'s "later" 30 times, unless told otherwise', () => {
    const defaults = loadConfig({});
    expect(defaults.deliveryBodyRetentionDays).toBe(30);
    expect(defaults.jobs.maxDeferrals).toBe(30);
    const set = loadConfig({ DELIVERY_BODY_RETENTION_DAYS: '7', JOB_MAX_DEFERRALS: '5' });
    expect(set.deliveryBodyRetentionDays).toBe(7);
    expect(set.jobs.maxDeferrals).toBe(5);
    expect(() => loadConfig({ DELIVERY_BODY_RETENTION_DAYS: '0' })).toThrow(/DELIVERY_BODY_RETENTION_DAYS/);
    expect(() => loadConfig({ JOB_MAX_DEFERRALS: 'many' })).toThrow(/JOB_MAX_DEFERRALS/);
  });

  it('reads the usual spellings of yes and no for every boolean variable', () => {
    for (const yes of ['1', 'true', 'TRUE', 'True', 'yes', 'YES', 'on', ' yes '])
      expect(loadConfig({ SANDBOX: yes }).sandbox.enabled, yes).toBe(true);
    for (const no of ['0', 'false', 'FALSE', 'False', 'no', 'No', 'off', 'OFF'])
      expect(loadConfig({ SANDBOX: no }).sandbox.enabled, no).toBe(false);
    expect(() => loadConfig({ SANDBOX: 'maybe' })).toThrow(
      /SANDBOX: must be a boolean \(1\/0, true\/false, yes\/no/,
    );
    expect(() => loadConfig({ SANDBOX: '2' })).toThrow(/SANDBOX/);
  });

  it('bounds how long a client may take, with defaults and checks', () => {
    expect(loadConfig({}).http).toEqual({
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 72_000,
    });
    const config = loadConfig({
      HTTP_REQUEST_TIMEOUT_MS: '5000',
      HTTP_HEADERS_TIMEOUT_MS: '2000',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '4000',
    });
    expect(config.http).toEqual({ requestTimeoutMs: 5000, headersTimeoutMs: 2000, keepAliveTimeoutMs: 4000 });
    expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '0' })).toThrow(/HTTP_REQUEST_TIMEOUT_MS/);
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '60000' })).toThrow(
      /HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS/,
    );
  });
});
