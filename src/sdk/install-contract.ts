/**
 * Install routes: a connector's own HTTP endpoints under `/install/<connector name>` (an OAuth
 * start and callback, a key-exchange form), and what they may ask of the hub.
 */
import type { Logger } from 'pino';

/** An HTTP request to an install route, with the raw body. */
export interface InstallRequest {
  method: string;
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
}

export interface InstallResponse {
  status: number;
  /** An array sends the header several times (two `set-cookie`s, say). */
  headers?: Record<string, string | string[]>;
  /** An object is sent as JSON, a string as text/html. */
  body?: unknown;
}

/** What an install flow may ask of the hub. */
export interface InstallApi {
  hubUrl: string;
  log: Logger;
  /**
   * A one-time value (an OAuth `state`) with data, valid for `ttlSeconds`.
   *
   * @example
   * const state = await hub.issueNonce({ shop }, 600); // the OAuth `state`, valid ten minutes
   */
  issueNonce(data: Record<string, unknown>, ttlSeconds: number): Promise<string>;
  /**
   * The data of a nonce, once; null when unknown, used or expired.
   *
   * @example
   * const data = await hub.consumeNonce(query.state ?? '');
   * if (!data) return { status: 400, body: 'this link has expired; start again' };
   */
  consumeNonce(nonce: string): Promise<Record<string, unknown> | null>;
  /**
   * Checks and sets up the connection for this account (the connector's checkConnection and
   * onConnect), then creates or re-activates it; a refusal or failed set-up stores nothing.
   *
   * @example
   * const { connectionId } = await hub.connect({ externalAccount: shop, settings: { shop }, credentials: { accessToken } });
   */
  connect(input: {
    externalAccount: string;
    settings: Record<string, unknown>;
    credentials: Record<string, unknown>;
    /** The merchant to attach to; when absent, the account's existing merchant or a new one named so. */
    merchantId?: string;
    merchantName?: string;
  }): Promise<{ connectionId: string; merchantId: string; webhookUrl: string }>;
  /**
   * The connection of an external account, if the hub has one.
   *
   * @example
   * const existing = await hub.findConnection(shop); // null when the shop never installed
   */
  findConnection(
    externalAccount: string,
  ): Promise<{ connectionId: string; merchantId: string; status: string } | null>;
}

export interface InstallRoute {
  method: 'GET' | 'POST';
  /** Under `/install/<connector name>`: '' for the start, '/callback' and so on. */
  path: string;
  /**
   * Answers one request to this route; it may call the hub through `InstallApi`.
   *
   * @example
   * { method: 'GET', path: '', handler: async (request, hub) => ({ status: 302, headers: { location: authorizeUrl(await hub.issueNonce({}, 600)) } }) }
   */
  handler(request: InstallRequest, hub: InstallApi): Promise<InstallResponse>;
}
