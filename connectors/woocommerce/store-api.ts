/** The client for one connection's store, configured from its settings, credentials and state. */
import type { ResolvedOptions, WooContext, WooSettings } from './connection.ts';
import { readAuthMode } from './connection-state.ts';
import { normalizeStoreUrl, type StoreUrlPolicy } from './store-url.ts';
import { createWooClient, type WooClient } from './woo-client.ts';

export function storeUrlPolicy(
  settings: Pick<WooSettings, 'allowInsecureStoreUrl'>,
  options: ResolvedOptions,
): StoreUrlPolicy {
  return {
    allowInsecure: settings.allowInsecureStoreUrl === true,
    allowPrivate: options.allowPrivateStoreUrls,
  };
}

export function storeApi(context: WooContext, options: ResolvedOptions): WooClient {
  return createWooClient({
    // Normalized again here: settings written before a rule tightened must not slip past it.
    storeUrl: normalizeStoreUrl(context.settings.storeUrl, storeUrlPolicy(context.settings, options)),
    consumerKey: context.credentials.consumerKey,
    consumerSecret: context.credentials.consumerSecret,
    authMode: readAuthMode(context.state),
    onAuthModeChange: (mode) => context.saveState({ authMode: mode }),
    timeoutMs: options.timeoutMs,
    retryDelayMs: options.retryDelayMs,
    concurrency: options.concurrencyPerStore,
    guardAddresses: !options.allowPrivateStoreUrls,
    resolveHost: options.resolveHost,
  });
}
