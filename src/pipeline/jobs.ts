import type { Transaction } from 'kysely';
import { fromKysely, type Job, type PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { databaseFailureOf, isDatabaseUnavailable } from '../db/database-errors.ts';
import type { Database } from '../db/types.ts';
import type { Metrics } from '../metrics.ts';
import { ConnectorError, isRetryable, RetryableError } from '../sdk/errors.ts';
import type { Deferral, DeferralLedger } from './deferrals.ts';
import type { JobSummary } from './job-summary.ts';
import type { RerouteTrigger } from './reroute-trigger.ts';

/** Every durable hop of the pipeline, with its payload. */
export interface JobPayloads {
  'apply-delivery': { deliveryId: string };
  'advance-order': { orderId: string };
  'write-tracking': { shipmentId: string };
  'publish-stock': { connectionId: string };
  reconcile: { connectionId?: string };
  /** Route again every held order a SKU map change, new stock or a policy change may release. */
  'reroute-held': { merchantId: string; trigger: RerouteTrigger };
  /** A timed hold ran out: release it and route the order. */
  'release-hold': { orderId: string; holdId: string };
  retention: Record<string, never>;
}
export type QueueName = keyof JobPayloads;

/** Carried by a job that was rescheduled at the remote side's Retry-After. */
export interface JobMeta {
  idempotencyKey: string;
}

/**
 * What each queue's job is about: the key its deferrals are counted under, so every job for the
 * same thing adds to one count (see deferrals.ts).
 */
const SUBJECT_OF: { [Q in QueueName]: (data: JobPayloads[Q]) => string } = {
  'apply-delivery': (data) => data.deliveryId,
  'advance-order': (data) => data.orderId,
  'write-tracking': (data) => data.shipmentId,
  'publish-stock': (data) => data.connectionId,
  reconcile: (data) => data.connectionId ?? 'all',
  'reroute-held': (data) => `reroute:${data.merchantId}`,
  'release-hold': (data) => `hold:${data.holdId}`,
  retention: () => 'deliveries',
};

export const QUEUES: QueueName[] = [
  'apply-delivery',
  'advance-order',
  'write-tracking',
  'publish-stock',
  'reconcile',
  'reroute-held',
  'release-hold',
  'retention',
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
  /**
   * Records a failure where ops will see it (delivery row, order timeline). `deferral` is set when
   * the remote said "later": how often it has, across reschedules, and whether that is now stuck.
   */
  onFailure?(
    data: JobPayloads[Q],
    error: unknown,
    context: JobContext & { willRetry: boolean; deferral: Deferral | null },
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

/** How runJob counts the deferrals of an operation across reschedules, and when it gives up. */
export interface DeferralPolicy {
  ledger: DeferralLedger;
  /** A remote's "later" is obeyed this often for one operation; the next one dead-letters it. */
  maxDeferrals: number;
}

/**
 * Runs one job: success completes it; a retryable failure is thrown back to pg-boss, which retries
 * with backoff and finally dead-letters; a failure that needs a human is recorded and completes the
 * job, because retrying cannot help. A Retry-After from the remote side reschedules the job at that
 * time instead of holding a worker, and is counted in the deferral ledger: the rescheduled job is a
 * new pg-boss job (its attempts start at 0), so only the ledger knows how often the operation was
 * put off. Past the limit it is dead-lettered like any other failure.
 */
export async function runJob<Q extends QueueName>(
  boss: PgBoss,
  queue: Q,
  job: Job<JobPayloads[Q] & { _meta?: JobMeta }> & { singletonKey?: string | null },
  handler: JobHandler<Q>,
  log: Logger,
  retryLimit: number,
  deferrals: DeferralPolicy,
): Promise<void> {
  const subject = SUBJECT_OF[queue](job.data);
  const context: JobContext = {
    log: log.child({ queue, jobId: job.id, attempt: job.retryCount }),
    idempotencyKey: job.data._meta?.idempotencyKey ?? job.id,
    finalAttempt: job.retryCount >= retryLimit,
  };
  try {
    await handler.run(job.data, context);
  } catch (thrown) {
    // A lost database connection passes: retried like any network failure, and recorded with a
    // code, not the driver's text.
    const error = isDatabaseUnavailable(thrown)
      ? new RetryableError('database_unavailable', 'the database was unavailable', {}, null, {
          cause: thrown,
        })
      : thrown;
    // A value the database refuses is refused again on every attempt: recorded now, not retried.
    const retryable = isRetryable(error) && !databaseFailureOf(error)?.deterministic;
    const retryAfterMs = error instanceof RetryableError ? error.retryAfterMs : null;
    const deferral =
      retryable && retryAfterMs !== null ? await deferrals.ledger.record(queue, subject, error) : null;
    // A remote that keeps saying "later" is obeyed only so often; then it counts as a failure.
    const deferred = deferral !== null && deferral.deferrals <= deferrals.maxDeferrals;
    const exhausted = deferral !== null && !deferred;
    const willRetry = retryable && !exhausted && (deferred || !context.finalAttempt);
    context.log[willRetry ? 'warn' : 'error'](
      {
        err: error,
        code: error instanceof ConnectorError ? error.code : undefined,
        willRetry,
        ...(deferral ? { deferrals: deferral.deferrals, stuck: deferral.stuck } : {}),
      },
      `${queue} failed`,
    );
    await handler.onFailure?.(job.data, error, { ...context, willRetry, deferral });
    if (!retryable) return;
    const meta: JobMeta = { idempotencyKey: context.idempotencyKey };
    if (deferred) {
      await boss.send(
        queue,
        { ...job.data, _meta: meta },
        {
          singletonKey: job.singletonKey ?? job.id,
          startAfter: Math.max(1, Math.ceil((retryAfterMs ?? 0) / 1000)),
        },
      );
      return;
    }
    if (exhausted) {
      // Retrying would only be deferred again: straight to the dead-letter queue, as pg-boss does
      // with a job out of retries (the same data, with what it was and why).
      await deferrals.ledger.markDeadLettered(queue, subject);
      await boss.send(DEAD_LETTER_QUEUE, {
        ...job.data,
        _meta: meta,
        _deadLetter: {
          queue,
          code: error instanceof ConnectorError ? error.code : 'unexpected',
          deferrals: deferral.deferrals,
        },
      });
      return;
    }
    throw error;
  }
  // Whichever job got the operation through (a rescheduled one, or a new one for the same
  // subject), it is no longer deferred: a single-row delete by primary key, usually of nothing.
  await deferrals.ledger.clear(queue, subject);
}

export async function startWorkers(
  boss: PgBoss,
  handlers: JobHandlers,
  config: Config['jobs'],
  log: Logger,
  metrics: Metrics | undefined,
  ledger: DeferralLedger,
  summary?: JobSummary,
): Promise<void> {
  const deferrals = { ledger, maxDeferrals: config.maxDeferrals };
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
          const started = Date.now();
          try {
            await runJob(
              boss,
              queue,
              job as never,
              handlers[queue] as JobHandler<typeof queue>,
              log,
              config.retryLimit,
              deferrals,
            );
            stop?.({ outcome: 'done' });
            summary?.recordDone(queue);
            log.debug({ queue, jobId: job.id, ms: Date.now() - started }, `${queue} done`);
          } catch (error) {
            stop?.({ outcome: 'retry' });
            summary?.recordFailed(queue);
            throw error;
          }
        }
      },
    );
  }
}
