/**
 * Store URLs come from whoever reaches the install page or the connections API, and the hub then
 * calls them with credentials. So a store URL is accepted only when it is HTTPS (WooCommerce ignores
 * Basic auth over plain HTTP anyway) and leads to a public address: never loopback, private,
 * link-local or otherwise special, checked on the literal host, on what its name resolves to now,
 * and again on every connection (see `guardedLookup`) so a name that later re-resolves to an
 * internal address (DNS rebinding) is still refused.
 */

import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns';
import { isIP } from 'node:net';
import { NeedsHumanError } from '../../src/sdk/index.ts';
import type { ResolveHost } from './connection.ts';
import { isLocalHostname, isPublicAddress } from './private-addresses.ts';

export interface StoreUrlPolicy {
  /** Development only: `http://` stores. */
  allowInsecure: boolean;
  /** Development only: stores on private, loopback or link-local addresses, and on any port. */
  allowPrivate: boolean;
}

export type StoreUrlProblem =
  | 'not_a_url'
  | 'not_https'
  | 'credentials_in_url'
  | 'port_not_allowed'
  | 'private_address'
  | 'unresolvable';

export function storeUrlRefused(reason: StoreUrlProblem, message: string, url?: string): NeedsHumanError {
  return new NeedsHumanError('store_url_refused', message, { reason, ...(url ? { url } : {}) });
}

/**
 * `https://host[/path]`: lower-case host, no trailing slash, dot or default port, no query or
 * fragment. This is the connection's external account, so one store is one connection whichever
 * way the merchant typed its address. Pure: checks only what the text itself shows.
 */
export function normalizeStoreUrl(input: string, policy: StoreUrlPolicy): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw storeUrlRefused('not_a_url', 'the store URL is not a URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowInsecure)) {
    throw storeUrlRefused('not_https', 'the store URL must start with https://', url.origin);
  }
  if (url.username || url.password) {
    throw storeUrlRefused('credentials_in_url', 'the store URL must not contain a user name or password');
  }
  if (url.port !== '' && !policy.allowPrivate) {
    throw storeUrlRefused('port_not_allowed', 'the store URL must use the standard port', url.origin);
  }
  const hostname = url.hostname.replace(/\.$/, '');
  if (!policy.allowPrivate && !isAllowedHost(hostname)) {
    throw storeUrlRefused('private_address', `${hostname} is not a public address`, url.origin);
  }
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${hostname}${url.port ? `:${url.port}` : ''}${path}`;
}

/** What the host text alone says: an IP literal must be public, a local-only name never is. */
function isAllowedHost(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (isIP(bare) !== 0) return isPublicAddress(bare);
  return !isLocalHostname(bare);
}

/** Normalizes, then checks every address the host resolves to now. */
export async function validateStoreUrl(
  input: string,
  policy: StoreUrlPolicy,
  resolveHost: ResolveHost | null,
): Promise<string> {
  const storeUrl = normalizeStoreUrl(input, policy);
  if (policy.allowPrivate) return storeUrl;
  const hostname = new URL(storeUrl).hostname.replace(/^\[|\]$/g, '');
  if (isIP(hostname) !== 0) return storeUrl;
  let addresses: string[];
  try {
    addresses = await (resolveHost ?? systemResolve)(hostname);
  } catch (error) {
    throw storeUrlRefused(
      'unresolvable',
      `${hostname} does not resolve: ${(error as Error).message}`,
      storeUrl,
    );
  }
  if (addresses.length === 0) throw storeUrlRefused('unresolvable', `${hostname} does not resolve`, storeUrl);
  const internal = addresses.find((address) => !isPublicAddress(address));
  if (internal) throw storeUrlRefused('private_address', `${hostname} resolves to ${internal}`, storeUrl);
  return storeUrl;
}

function systemResolve(hostname: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses.map((a) => a.address)),
    ),
  );
}

type LookupCallback = (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void;

/**
 * A `lookup` for the HTTP client: resolves like Node does, then refuses the connection when any
 * answer is internal. This is what stops DNS rebinding, where a name passes the check at connect
 * time and resolves to 127.0.0.1 a minute later.
 */
export function guardedLookup(resolveHost: ResolveHost | null) {
  return (hostname: string, _options: unknown, callback: LookupCallback): void => {
    (resolveHost ?? systemResolve)(hostname).then(
      (addresses) => {
        const internal = addresses.find((address) => !isPublicAddress(address));
        if (internal || addresses.length === 0) {
          const error: NodeJS.ErrnoException = new Error(
            `refusing to connect to ${hostname}: ${internal ?? 'no address'} is not public`,
          );
          error.code = STORE_ADDRESS_REFUSED;
          callback(error, []);
          return;
        }
        callback(
          null,
          addresses.map((address) => ({ address, family: isIP(address) === 6 ? 6 : 4 })),
        );
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}

export const STORE_ADDRESS_REFUSED = 'ESTOREADDRESSREFUSED';
