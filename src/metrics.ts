import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from './db/types.ts';

/**
 * What ops watch: deliveries by source and outcome, outbound calls by outcome (and their duration
 * by operation), job latency and backlog (with the oldest pending job's age), deferrals and the
 * operations stuck on them, orders by state. One registry per hub, so several hubs in one process
 * (tests) keep their own figures.
 */
export function createMetrics(db: Kysely<Database>) {
  const registry = new Registry();
  const deliveries = new Counter({
    name: 'hub_webhook_deliveries_total',
    help: 'Webhook deliveries received, by connector and outcome',
    labelNames: ['connector', 'outcome', 'reason'] as const,
    registers: [registry],
  });
  const outbound = new Counter({
    name: 'hub_outbound_calls_total',
    help: 'Calls to storefront and 3PL APIs, by connector and outcome',
    labelNames: ['connector', 'outcome'] as const,
    registers: [registry],
  });
  const outboundDuration = new Histogram({
    name: 'hub_outbound_call_duration_seconds',
    help: 'Time a call to a storefront or 3PL API took (not its wait in the rate-limit queue), by connector, operation and outcome',
    labelNames: ['connector', 'operation', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const outboundRecordFailures = new Counter({
    name: 'hub_outbound_call_records_failed_total',
    help: 'Outbound calls made but not written to the outbound call log (the call itself went on), by connector',
    labelNames: ['connector'] as const,
    registers: [registry],
  });
  const jobDeferrals = new Counter({
    name: 'hub_job_deferrals_total',
    help: 'Times a remote said "come back later" to a job (Retry-After, throttling), by queue and code',
    labelNames: ['queue', 'code'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'hub_deferred_operations',
    help: 'Operations a remote keeps deferring, by queue and state (deferred, stuck: needs a look, dead_lettered)',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db
        .selectFrom('deferred_operations')
        .select([
          'queue',
          sql<string>`case when dead_lettered_at is not null then 'dead_lettered'
            when stuck_at is not null then 'stuck' else 'deferred' end`.as('state'),
          (eb) => eb.fn.countAll<number>().as('n'),
        ])
        .groupBy(['queue', 'state'])
        .execute();
      for (const row of rows) this.set({ queue: row.queue, state: row.state }, Number(row.n));
    },
  });
  const jobDuration = new Histogram({
    name: 'hub_job_duration_seconds',
    help: 'Time to run a job, by queue and outcome',
    labelNames: ['queue', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: 'hub_jobs_pending',
    help: 'Jobs ready to run and not yet started, by queue',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await pendingJobs(db)) this.set({ queue: row.name }, Number(row.pending));
    },
  });
  new Gauge({
    name: 'hub_jobs_oldest_pending_seconds',
    help: 'Age of the oldest job ready to run and not yet started, by queue',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await pendingJobs(db)) this.set({ queue: row.name }, Number(row.oldest_seconds ?? 0));
    },
  });
  new Gauge({
    name: 'hub_orders',
    help: 'Orders by state',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db
        .selectFrom('orders')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute();
      for (const row of rows) this.set({ status: row.status }, Number(row.n));
    },
  });
  return {
    registry,
    deliveries,
    outbound,
    outboundDuration,
    outboundRecordFailures,
    jobDeferrals,
    jobDuration,
  };
}

/** Jobs ready to run and not yet started, and the oldest one's age, per queue. */
export async function pendingJobs(db: Kysely<Database>) {
  const result = await sql<{ name: string; pending: number; oldest_seconds: number | null }>`
    select name, count(*) as pending, extract(epoch from now() - min(created_on)) as oldest_seconds
    from pgboss.job
    where state in ('created', 'retry') and start_after <= now()
    group by name`.execute(db);
  return result.rows;
}

export type Metrics = ReturnType<typeof createMetrics>;
