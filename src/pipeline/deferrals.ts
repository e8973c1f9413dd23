import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/types.ts';
import type { Metrics } from '../metrics.ts';
import { ConnectorError } from '../sdk/errors.ts';

/**
 * The ledger of operations a remote keeps deferring (a Retry-After, a THROTTLED answer, a cost
 * bucket too small for the query). Each deferral reschedules the job as a new pg-boss job, whose
 * attempt count starts again at 0, and other jobs for the same thing (a later 3PL event, a replay)
 * start with none: so the count is kept here, per queue and subject (the shipment, the
 * connection), in the database, where every job and every hub process adds to the same one. Past
 * a threshold the operation is shown as stuck; past the limit it is dead-lettered.
 */
export interface Deferral {
  /** How often the remote has said "later" to this operation, across every job that tried it. */
  deferrals: number;
  firstDeferredAt: Date;
  /** At or past the threshold: a person should look. */
  stuck: boolean;
  /** This deferral crossed the threshold (true once per operation, so it is reported once). */
  becameStuck: boolean;
}

export interface DeferredOperation {
  queue: string;
  subject: string;
  deferrals: number;
  code: string;
  reason: string;
  firstDeferredAt: Date;
  lastDeferredAt: Date;
  stuck: boolean;
  deadLettered: boolean;
}

export interface DeferralLedger {
  /** Counts one more deferral of the operation, with the remote's reason. */
  record(queue: string, subject: string, error: unknown): Promise<Deferral>;
  /** The operation was deferred too often and went to the dead-letter queue. */
  markDeadLettered(queue: string, subject: string): Promise<void>;
  /** The operation succeeded: its count starts again. */
  clear(queue: string, subject: string): Promise<void>;
}

/** After this many deferrals an operation shows as stuck: a third of the way to dead-lettering. */
export function stuckThreshold(maxDeferrals: number): number {
  return Math.max(1, Math.ceil(maxDeferrals / 3));
}

/** Longest reason kept: a remote's message, never a payload. */
const MAX_REASON_LENGTH = 500;

export function createDeferralLedger(
  db: Kysely<Database>,
  options: { maxDeferrals: number; metrics?: Metrics },
): DeferralLedger {
  const threshold = stuckThreshold(options.maxDeferrals);
  return {
    async record(queue, subject, error) {
      const code = error instanceof ConnectorError ? error.code : 'unexpected';
      const reason = ((error as Error)?.message ?? String(error)).slice(0, MAX_REASON_LENGTH);
      const row = await db
        .insertInto('deferred_operations')
        .values({
          queue,
          subject,
          deferrals: 1,
          code,
          reason,
          stuck_at: threshold <= 1 ? new Date() : null,
        })
        .onConflict((oc) =>
          oc.columns(['queue', 'subject']).doUpdateSet({
            deferrals: sql`deferred_operations.deferrals + 1`,
            code,
            reason,
            last_deferred_at: sql`now()`,
            dead_lettered_at: null,
            stuck_at: sql`coalesce(deferred_operations.stuck_at,
              case when deferred_operations.deferrals + 1 >= ${threshold} then now() end)`,
          }),
        )
        .returning(['deferrals', 'first_deferred_at'])
        .executeTakeFirstOrThrow();
      options.metrics?.jobDeferrals.inc({ queue, code });
      return {
        deferrals: row.deferrals,
        firstDeferredAt: row.first_deferred_at,
        stuck: row.deferrals >= threshold,
        becameStuck: row.deferrals === threshold,
      };
    },
    async markDeadLettered(queue, subject) {
      await db
        .updateTable('deferred_operations')
        .set({ dead_lettered_at: new Date() })
        .where('queue', '=', queue)
        .where('subject', '=', subject)
        .execute();
    },
    clear: (queue, subject) => clearDeferral(db, queue, subject),
  };
}

/** Forgets an operation's deferrals: it succeeded, or a person starts it afresh. */
export async function clearDeferral(
  db: Kysely<Database> | Transaction<Database>,
  queue: string,
  subject: string,
): Promise<void> {
  await db
    .deleteFrom('deferred_operations')
    .where('queue', '=', queue)
    .where('subject', '=', subject)
    .execute();
}

/** What the ledger holds for these subjects of one queue (the API shows it on their owners). */
export async function findDeferredOperations(
  db: Kysely<Database>,
  queue: string,
  subjects: string[],
): Promise<DeferredOperation[]> {
  if (subjects.length === 0) return [];
  const rows = await db
    .selectFrom('deferred_operations')
    .selectAll()
    .where('queue', '=', queue)
    .where('subject', 'in', subjects)
    .execute();
  return rows.map((row) => ({
    queue: row.queue,
    subject: row.subject,
    deferrals: row.deferrals,
    code: row.code,
    reason: row.reason,
    firstDeferredAt: row.first_deferred_at,
    lastDeferredAt: row.last_deferred_at,
    stuck: row.stuck_at !== null,
    deadLettered: row.dead_lettered_at !== null,
  }));
}
