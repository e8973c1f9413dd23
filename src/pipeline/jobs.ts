import type { Transaction } from 'kysely';
import { fromKysely, type Job, type PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/types.ts';
import type { Metrics } from '../metrics.ts';
import { ConnectorError, isRetryable, RetryableError } from '../sdk/errors.ts';

/** Every durable hop of the pipeline, with its payload. */
export interface JobPayloads {
  'apply-delivery': { deliveryId: string };
  'advance-order': { orderId: string };
  'write-tracking': { shipmentId: string };
  'publish-stock': { connectionId: string };
  reconcile: { connectionId?: string };
}
export type QueueName = keyof JobPayloads;

/** Carried by a job that was rescheduled at the remote side's Retry-After. */
export interface JobMeta {
  idempotencyKey: string;
  deferrals: number;
}
const MAX_DEFERRALS = 30;
export const QUEUES: QueueName[] = [
  'apply-delivery',
  'advance-order',
  'write-tracking',
  'publish-stock',
  'reconcile',
];
export const DEAD_LETTER_QUEUE = 'dead-letter';

export interface JobContext {
  log: Logger;
  /** Stays the same across retries and reschedules of this job: an idempotency key for the remote side. */
  idempotencyKey: string;
  /** True when this is the last attempt: a retryable failure now dead-letters. */
  finalAttempt: boolean;
}

export interface JobHandler<Q extends QueueName> {
  run(data: JobPayloads[Q], context: JobContext): Promise<void>;
  /** Records a failure where ops will see it (delivery row, order timeline). */
  onFailure?(
    data: JobPayloads[Q],
    error: unknown,
    context: JobContext & { willRetry: boolean },
  ): Promise<void>;
}

export type JobHandlers = { [Q in QueueName]: JobHandler<Q> };

export interface SendOptions {
  /** Jobs with the same key in one queue never run at the same time (the per-order serial rule). */
  serialKey: string;
  /** Enqueue inside this transaction, so the job exists exactly when the row that needs it does. */
  trx?: Transaction<Database>;
  startAfterSeconds?: number;
}

/**
 * `singleton` + a key on every job: one active job per key, any number queued. A stock publication
 * reads the latest state when it runs, so one waiting per storefront is enough however many stock
 * changes arrive meanwhile: `stately` keeps at most one queued (and one active, one retrying) per
 * key, and the database drops the others at send time.
 */
export function policyOf(queue: QueueName): 'singleton' | 'stately' {
  return queue === 'publish-stock' ? 'stately' : 'singleton';
}

export async function createQueues(boss: PgBoss, config: Config['jobs']): Promise<void> {
  await boss.createQueue(DEAD_LETTER_QUEUE, { retentionSeconds: 30 * 86400 });
  for (const name of QUEUES) {
    const policy = policyOf(name);
    const existing = await boss.getQueue(name);
    if (existing && existing.policy !== policy) {
      // A queue's policy is fixed when it is made. Only publish-stock ever changed, and dropping
      // its waiting jobs loses nothing: the next stock change or reconciliation publishes afresh.
      await boss.deleteQueue(name);
    }
    await boss.createQueue(name, {
      policy,
      retryLimit: config.retryLimit,
      retryDelay: config.retryDelaySeconds,
      retryBackoff: true, // exponential, with pg-boss's jitter
      retryDelayMax: config.retryDelayMaxSeconds,
      heartbeatSeconds: config.heartbeatSeconds,
      deadLetter: DEAD_LETTER_QUEUE,
    });
  }
}

export async function enqueue<Q extends QueueName>(
  boss: PgBoss,
  queue: Q,
  data: JobPayloads[Q],
  options: SendOptions,
): Promise<void> {
  await boss.send(queue, data, {
    singletonKey: options.serialKey,
    ...(options.startAfterSeconds ? { startAfter: options.startAfterSeconds } : {}),
    ...(options.trx ? { db: fromKysely(options.trx) } : {}),
  });
}

/**
 * Runs one job: success completes it; a retryable failure is thrown back to pg-boss, which retries
 * with backoff and finally dead-letters; a failure that needs a human is recorded and completes the
 * job, because retrying cannot help. A Retry-After from the remote side reschedules the job at that
 * time instead of holding a worker.
 */
export async function runJob<Q extends QueueName>(
  boss: PgBoss,
  queue: Q,
  job: Job<JobPayloads[Q] & { _meta?: JobMeta }> & { singletonKey?: string | null },
  handler: JobHandler<Q>,
  log: Logger,
  retryLimit: number,
): Promise<void> {
  const context: JobContext = {
    log: log.child({ queue, jobId: job.id, attempt: job.retryCount }),
    idempotencyKey: job.data._meta?.idempotencyKey ?? job.id,
    finalAttempt: job.retryCount >= retryLimit,
  };
  try {
    await handler.run(job.data, context);
  } catch (error) {
    const retryable = isRetryable(error);
    const retryAfterMs = error instanceof RetryableError ? error.retryAfterMs : null;
    const deferrals = job.data._meta?.deferrals ?? 0;
    // A remote that keeps saying "later" is obeyed only so often; then it counts as a failure.
    const deferred = retryAfterMs !== null && deferrals < MAX_DEFERRALS;
    const willRetry = retryable && (deferred || !context.finalAttempt);
    context.log[willRetry ? 'warn' : 'error'](
      {
        err: error,
        code: error instanceof ConnectorError ? error.code : undefined,
        willRetry,
      },
      `${queue} failed`,
    );
    await handler.onFailure?.(job.data, error, { ...context, willRetry });
    if (!retryable) return;
    if (deferred) {
      await boss.send(
        queue,
        { ...job.data, _meta: { idempotencyKey: context.idempotencyKey, deferrals: deferrals + 1 } },
        {
          singletonKey: job.singletonKey ?? job.id,
          startAfter: Math.max(1, Math.ceil((retryAfterMs ?? 0) / 1000)),
        },
      );
      return;
    }
    throw error;
  }
}

export async function startWorkers(
  boss: PgBoss,
  handlers: JobHandlers,
  config: Config['jobs'],
  log: Logger,
  metrics?: Metrics,
): Promise<void> {
  for (const queue of QUEUES) {
    await boss.work(
      queue,
      {
        localConcurrency:
          queue === 'apply-delivery' ? config.concurrency : Math.max(1, Math.ceil(config.concurrency / 2)),
        pollingIntervalSeconds: config.pollIntervalSeconds,
        includeMetadata: true,
      },
      async (jobs) => {
        for (const job of jobs) {
          const stop = metrics?.jobDuration.startTimer({ queue });
          try {
            await runJob(
              boss,
              queue,
              job as never,
              handlers[queue] as JobHandler<typeof queue>,
              log,
              config.retryLimit,
            );
            stop?.({ outcome: 'done' });
          } catch (error) {
            stop?.({ outcome: 'retry' });
            throw error;
          }
        }
      },
    );
  }
}
