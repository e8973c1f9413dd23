/**
 * How both simulators deliver webhooks: signed, retried, recorded, and never in the caller's way.
 *
 * This is the far side of the network, written the way real platforms behave: every event has an id
 * that stays the same when it is delivered again, every attempt has its own delivery id, the
 * signature covers the exact bytes sent, and a receiver that fails gets a few more tries.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';

export interface DeliveryAttempt {
  deliveryId: string;
  at: string;
  /** The receiver's HTTP status, or null when the request itself failed. */
  status: number | null;
  /** The receiver's Retry-After header, when it gave one. */
  retryAfter: string | null;
  error: string | null;
}

/**
 * - `sending`: attempts are in progress.
 * - `delivered`: the receiver answered 2xx.
 * - `failed`: every attempt failed; the event was dropped (it can still be `resend`).
 * - `suppressed`: webhooks were paused when it happened.
 * - `no_url`: no webhook URL was configured.
 * - `aborted`: the simulator was closed before it was delivered.
 */
export type EventOutcome = 'sending' | 'delivered' | 'failed' | 'suppressed' | 'no_url' | 'aborted';

export interface SentEvent {
  eventId: string;
  topic: string;
  /** The exact body sent, byte for byte (the signature is over its UTF-8 bytes). */
  body: string;
  /** Headers common to every attempt; each attempt adds its own `x-sandbox-delivery-id`. */
  headers: Record<string, string>;
  outcome: EventOutcome;
  attempts: DeliveryAttempt[];
}

export interface WebhookSenderOptions {
  secret: string;
  url?: string | null;
  /** Further attempts after the first fails (non-2xx or a network error). */
  retries?: number;
  /** Wait before the first retry; doubles on each further retry. */
  retryDelayMs?: number;
  /** Per-attempt timeout. */
  timeoutMs?: number;
  logger: Logger;
}

export interface WebhookSender {
  /** Records an event and starts delivering it in the background; never throws. */
  emit(topic: string, payload: unknown, eventId?: string): SentEvent;
  /** Delivers a recorded event again with the same event id and bytes (even when paused). */
  resend(eventId: string): void;
  setUrl(url: string | null): void;
  /** While paused, new events are recorded as `suppressed` and not sent. */
  pause(paused: boolean): void;
  events(): SentEvent[];
  /** Resolves when no delivery is in progress. */
  settled(): Promise<void>;
  /** Aborts deliveries in progress and sends nothing more. */
  close(): Promise<void>;
}

export function signBody(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}

export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const retries = options.retries ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const log = options.logger;
  const recorded = new Map<string, SentEvent>();
  const inFlight = new Set<Promise<void>>();
  const closing = new AbortController();
  let url = options.url ?? null;
  let paused = false;

  function dispatch(event: SentEvent): void {
    if (closing.signal.aborted) {
      event.outcome = 'aborted';
      return;
    }
    if (url === null) {
      event.outcome = 'no_url';
      log.debug({ topic: event.topic, eventId: event.eventId }, 'no webhook url; event not sent');
      return;
    }
    event.outcome = 'sending';
    const delivery = deliver(event, url).finally(() => inFlight.delete(delivery));
    inFlight.add(delivery);
  }

  async function deliver(event: SentEvent, target: string): Promise<void> {
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        try {
          await sleep(retryDelayMs * 2 ** (attempt - 1), undefined, { signal: closing.signal });
        } catch {
          break; // closed while waiting
        }
      }
      if (closing.signal.aborted) break;
      if (await attemptOnce(event, target)) {
        event.outcome = 'delivered';
        return;
      }
    }
    if (closing.signal.aborted) {
      event.outcome = 'aborted';
      return;
    }
    event.outcome = 'failed';
    log.warn(
      { topic: event.topic, eventId: event.eventId, attempts: event.attempts.length },
      'webhook dropped after retries',
    );
  }

  /** One POST; true on 2xx. Every failure is recorded and swallowed. */
  async function attemptOnce(event: SentEvent, target: string): Promise<boolean> {
    const attempt: DeliveryAttempt = {
      deliveryId: randomUUID(),
      at: new Date().toISOString(),
      status: null,
      retryAfter: null,
      error: null,
    };
    event.attempts.push(attempt);
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers: { ...event.headers, 'x-sandbox-delivery-id': attempt.deliveryId },
        body: event.body,
        signal: AbortSignal.any([closing.signal, AbortSignal.timeout(timeoutMs)]),
      });
      attempt.status = response.status;
      attempt.retryAfter = response.headers.get('retry-after');
      await response.arrayBuffer(); // drain, so the connection can be reused
      return response.ok;
    } catch (error) {
      attempt.error = (error as Error).message;
      log.debug(
        { topic: event.topic, eventId: event.eventId, error: attempt.error },
        'webhook attempt failed',
      );
      return false;
    }
  }

  return {
    emit(topic, payload, eventId = randomUUID()) {
      const body = JSON.stringify(payload);
      const event: SentEvent = {
        eventId,
        topic,
        body,
        headers: {
          'content-type': 'application/json',
          'x-sandbox-topic': topic,
          'x-sandbox-event-id': eventId,
          'x-sandbox-signature': signBody(options.secret, body),
        },
        outcome: 'sending',
        attempts: [],
      };
      recorded.set(eventId, event);
      if (paused) event.outcome = 'suppressed';
      else dispatch(event);
      return structuredClone(event);
    },
    resend(eventId) {
      const event = recorded.get(eventId);
      if (!event) throw new Error(`unknown event id ${eventId}`);
      dispatch(event);
    },
    setUrl(next) {
      url = next;
    },
    pause(next) {
      paused = next;
    },
    events() {
      return structuredClone([...recorded.values()]);
    },
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async close() {
      closing.abort();
      await Promise.allSettled([...inFlight]);
    },
  };
}
