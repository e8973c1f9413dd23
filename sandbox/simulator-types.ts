/** What both simulators share: how they are reached and how they send webhooks. */
import type { Logger } from 'pino';
import type { CannedAnswer } from './simulator-http.ts';

export interface SimulatorOptions {
  apiKey: string;
  webhookSecret: string;
  webhookUrl?: string | null;
  webhookRetries?: number;
  webhookRetryDelayMs?: number;
  logger?: Logger;
  /**
   * Sets this run's ids apart from every other run's. The simulators keep their state in memory, so
   * one restarted on the hub's old data would otherwise number from the start again, and the hub
   * would take its new orders for old ones. The sandbox demo passes its start time in
   * milliseconds; left out (tests), the plain sequences start at their first value.
   */
  runId?: number;
}

export interface SimulatorServer {
  /** Starts the HTTP API; resolves with its base URL, e.g. `http://127.0.0.1:41234`. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
  setWebhookUrl(url: string | null): void;
  /** While paused, state still changes but no webhook is sent: the hub must reconcile by polling. */
  pauseWebhooks(paused: boolean): void;
  /** Resolves when no webhook delivery is in progress. */
  webhooksSettled(): Promise<void>;
  /** The next API request (after authentication) gets this answer instead of its route's. */
  answerNext(answer: CannedAnswer): void;
}
