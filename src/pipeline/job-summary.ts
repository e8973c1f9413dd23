import { hostname } from 'node:os';
import type { Logger } from 'pino';

/** A queue's backlog, as the database has it. */
export interface PendingQueue {
  name: string;
  pending: number;
  oldest_seconds: number | null;
}

export interface QueueSummary {
  /** Jobs that completed, including those parked for a person (that needs no retry). */
  done: number;
  /** Attempts that failed and go back to pg-boss to be retried or dead-lettered. */
  failed: number;
  pending: number;
  oldestPendingSeconds: number;
}

/**
 * What this process did in the last interval, per queue, and what waits: one line at info level,
 * so an operator reading the logs sees each process working (or not) without scraping metrics.
 */
export function summarize(
  counts: Map<string, { done: number; failed: number }>,
  pending: PendingQueue[],
): Record<string, QueueSummary> {
  const queues: Record<string, QueueSummary> = {};
  const entry = (name: string) => {
    queues[name] ??= { done: 0, failed: 0, pending: 0, oldestPendingSeconds: 0 };
    return queues[name];
  };
  for (const [name, count] of counts) Object.assign(entry(name), count);
  for (const row of pending) {
    const queue = entry(row.name);
    queue.pending = Number(row.pending);
    queue.oldestPendingSeconds = Math.round(Number(row.oldest_seconds ?? 0));
  }
  return queues;
}

export interface JobSummary {
  recordDone(queue: string): void;
  recordFailed(queue: string): void;
  /** Logs the summary of the interval so far and starts a new one. */
  flush(): Promise<void>;
  stop(): void;
}

export function startJobSummary(options: {
  log: Logger;
  intervalMs: number;
  /** Names this process among several on one database. */
  instanceId: string;
  readPending: () => Promise<PendingQueue[]>;
}): JobSummary {
  const instance = { id: options.instanceId, pid: process.pid, hostname: hostname() };
  let counts = new Map<string, { done: number; failed: number }>();
  let since = Date.now();
  const count = (queue: string) => {
    let entry = counts.get(queue);
    if (!entry) {
      entry = { done: 0, failed: 0 };
      counts.set(queue, entry);
    }
    return entry;
  };
  const flush = async () => {
    const taken = counts;
    const seconds = Math.round((Date.now() - since) / 1000);
    counts = new Map();
    since = Date.now();
    // The summary must not fail while the database is away; it then says only what ran here.
    const pending = await options.readPending().catch(() => null);
    options.log.info(
      {
        instance,
        seconds,
        queues: summarize(taken, pending ?? []),
        ...(pending === null ? { pendingUnknown: true } : {}),
      },
      'jobs summary',
    );
  };
  const timer = setInterval(() => void flush(), options.intervalMs);
  timer.unref();
  return {
    recordDone: (queue) => {
      count(queue).done += 1;
    },
    recordFailed: (queue) => {
      count(queue).failed += 1;
    },
    flush,
    stop: () => clearInterval(timer),
  };
}
