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
  /** A one-time value (an OAuth `state`) with data, valid for `ttlSeconds`. */
  issueNonce(data: Record<string, unknown>, ttlSeconds: number): Promise<string>;
  /** The data of a nonce, once; null when unknown, used or expired. */
  consumeNonce(nonce: string): Promise<Record<string, unknown> | null>;
  /**
   * Checks and sets up the connection for this account (the connector's checkConnection and
   * onConnect), then creates or re-activates it; a refusal or failed set-up stores nothing.
   */
  connect(input: {
    externalAccount: string;
    settings: Record<string, unknown>;
    credentials: Record<string, unknown>;
    /** The merchant to attach to; when absent, the account's existing merchant or a new one named so. */
    merchantId?: string;
    merchantName?: string;
  }): Promise<{ connectionId: string; merchantId: string; webhookUrl: string }>;
  findConnection(
    externalAccount: string,
  ): Promise<{ connectionId: string; merchantId: string; status: string } | null>;
}

export interface InstallRoute {
  method: 'GET' | 'POST';
  /** Under `/install/<connector name>`: '' for the start, '/callback' and so on. */
  path: string;
  handler(request: InstallRequest, hub: InstallApi): Promise<InstallResponse>;
}
