import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NeedsHumanError } from '../../../src/sdk/index.ts';
import { isPublicAddress } from '../private-addresses.ts';
import { guardedLookup, normalizeStoreUrl, validateStoreUrl } from '../store-url.ts';
import { fakeContext, PUBLIC_ADDRESS, STORE, testConnector } from './helpers/woo-test-kit.ts';

const strict = { allowInsecure: false, allowPrivate: false };
const resolvesTo =
  (...addresses: string[]) =>
  async () =>
    addresses;

describe('store URL normalization', () => {
  it.each([
    ['https://Shop.Example.com', 'https://shop.example.com'],
    ['https://shop.example.com/', 'https://shop.example.com'],
    ['https://shop.example.com./', 'https://shop.example.com'],
    ['https://shop.example.com:443/shop/', 'https://shop.example.com/shop'],
    ['  https://shop.example.com/shop?x=1#top ', 'https://shop.example.com/shop'],
  ])('%s → %s', (input, normalized) => {
    expect(normalizeStoreUrl(input, strict)).toBe(normalized);
  });

  it.each([
    ['not a url', 'not_a_url'],
    ['http://shop.example.com', 'not_https'],
    ['ftp://shop.example.com', 'not_https'],
    ['https://user:pass@shop.example.com', 'credentials_in_url'],
    ['https://shop.example.com:8443', 'port_not_allowed'],
    ['https://localhost', 'private_address'],
    ['https://wp.localhost', 'private_address'],
    ['https://intranet', 'private_address'],
    ['https://db.internal', 'private_address'],
    ['https://127.0.0.1', 'private_address'],
    ['https://127.1', 'private_address'],
    ['https://2130706433', 'private_address'],
    ['https://0x7f.0.0.1', 'private_address'],
    ['https://10.1.2.3', 'private_address'],
    ['https://172.16.0.1', 'private_address'],
    ['https://172.31.255.255', 'private_address'],
    ['https://192.168.1.10', 'private_address'],
    ['https://169.254.169.254/latest/meta-data', 'private_address'],
    ['https://100.64.0.1', 'private_address'],
    ['https://0.0.0.0', 'private_address'],
    ['https://[::1]', 'private_address'],
    ['https://[::ffff:127.0.0.1]', 'private_address'],
    ['https://[fd00::1]', 'private_address'],
    ['https://[fe80::1]', 'private_address'],
  ])('refuses %s (%s)', (input, reason) => {
    expect(() => normalizeStoreUrl(input, strict)).toThrow(
      expect.objectContaining({ code: 'store_url_refused', context: expect.objectContaining({ reason }) }),
    );
  });

  it('admits http and private addresses only when development allows them', () => {
    expect(normalizeStoreUrl('http://127.0.0.1:8080/', { allowInsecure: true, allowPrivate: true })).toBe(
      'http://127.0.0.1:8080',
    );
    expect(() =>
      normalizeStoreUrl('http://shop.example.com', { allowInsecure: false, allowPrivate: true }),
    ).toThrow(/https/);
  });
});

describe('addresses', () => {
  it.each([
    ['93.184.215.14', true],
    ['8.8.8.8', true],
    ['2606:4700::6810:84e5', true],
    ['172.15.255.255', true],
    ['172.32.0.0', true],
    ['127.0.0.1', false],
    ['127.255.255.254', false],
    ['10.0.0.1', false],
    ['172.16.5.4', false],
    ['192.168.0.1', false],
    ['169.254.1.1', false],
    ['::1', false],
    ['fc00::1', false],
    ['fdff::1', false],
    ['fe80::abcd', false],
    ['::ffff:10.0.0.1', false],
    ['::ffff:7f00:1', false],
    ['not an ip', false],
  ])('%s is public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('resolving the store host', () => {
  it('accepts a name that resolves to public addresses only', async () => {
    await expect(
      validateStoreUrl('https://shop.example.com', strict, resolvesTo(PUBLIC_ADDRESS)),
    ).resolves.toBe(STORE);
  });

  it.each([
    ['127.0.0.1'],
    ['10.0.0.8'],
    ['172.20.1.1'],
    ['192.168.2.2'],
    ['169.254.169.254'],
    ['::1'],
    ['fd12:3456::1'],
    ['fe80::1'],
  ])('refuses a name that resolves to %s', async (address) => {
    await expect(
      validateStoreUrl('https://evil.example.com', strict, resolvesTo(PUBLIC_ADDRESS, address)),
    ).rejects.toMatchObject({
      code: 'store_url_refused',
      context: { reason: 'private_address' },
    });
  });

  it('refuses a name that does not resolve', async () => {
    const failing = async () => {
      throw new Error('ENOTFOUND');
    };
    await expect(validateStoreUrl('https://nowhere.example.com', strict, failing)).rejects.toMatchObject({
      context: { reason: 'unresolvable' },
    });
    await expect(validateStoreUrl('https://nowhere.example.com', strict, resolvesTo())).rejects.toMatchObject(
      {
        context: { reason: 'unresolvable' },
      },
    );
  });

  it('refuses, at connection time, a name that re-resolves to an internal address (DNS rebinding)', async () => {
    const lookup = guardedLookup(resolvesTo('127.0.0.1'));
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      lookup('shop.example.com', {}, (e) => resolve(e)),
    );
    expect(error?.code).toBe('ESTOREADDRESSREFUSED');
    const ok = await new Promise<unknown>((resolve) =>
      guardedLookup(resolvesTo(PUBLIC_ADDRESS))('shop.example.com', {}, (_e, addresses) =>
        resolve(addresses),
      ),
    );
    expect(ok).toEqual([{ address: PUBLIC_ADDRESS, family: 4 }]);
  });
});

describe('SSRF through the connector', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());

  it('refuses keys pasted for a store on an internal address, before calling it', async () => {
    const connector = testConnector({ resolveHost: resolvesTo('10.0.0.5') });
    const context = fakeContext({ settings: { storeUrl: 'https://shop.internal-dns.example' } });
    context.externalAccount = 'https://shop.internal-dns.example';
    await expect(connector.onConnect!(context)).rejects.toBeInstanceOf(NeedsHumanError);
    await expect(connector.onConnect!(context)).rejects.toMatchObject({ code: 'store_url_refused' });
  });

  it('refuses to call an internal address even if the settings were stored earlier', async () => {
    const connector = testConnector();
    const context = fakeContext({ settings: { storeUrl: 'https://169.254.169.254' } });
    await expect(
      connector.publishStock(context, [{ sku: 'A', available: 1 }], { idempotencyKey: 'k' }),
    ).rejects.toMatchObject({
      code: 'store_url_refused',
    });
  });

  it('refuses a connection whose external account is not its store', async () => {
    const connector = testConnector();
    const context = fakeContext();
    context.externalAccount = 'https://other.example.com';
    await expect(connector.onConnect!(context)).rejects.toMatchObject({ code: 'external_account_mismatch' });
  });
});
