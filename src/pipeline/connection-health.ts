import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/types.ts';
import type { HealthReport, StockItemFailure } from '../sdk/contracts.ts';
import { ConnectorError } from '../sdk/errors.ts';

/**
 * A connection's health as ops see it: what the hub last heard from it, its last reconciliation
 * and what that recovered, what the platform said about its webhooks and token, and its last stock
 * publication with the SKUs the storefront refused. Written where each thing happens, read by
 * `GET /api/connections/:id`.
 */

/** How long a reconciliation holds its connection; one left by a dead process expires after this. */
const RECONCILE_CLAIM_SECONDS = 600;

type Db = Kysely<Database>;

/** Takes the connection for one reconciliation; null when another is running (its claim's end). */
export async function claimReconciliation(
  db: Db,
  connection: { id: string; merchant_id: string },
): Promise<{ claimed: true } | { claimed: false; until: Date | null }> {
  const until = sql<Date>`now() + make_interval(secs => ${RECONCILE_CLAIM_SECONDS})`;
  const row = await db
    .insertInto('connection_health')
    .values({
      connection_id: connection.id,
      merchant_id: connection.merchant_id,
      reconcile_claimed_until: until,
    })
    .onConflict((oc) =>
      oc
        .column('connection_id')
        .doUpdateSet({ reconcile_claimed_until: until })
        .where((eb) =>
          eb.or([
            eb('connection_health.reconcile_claimed_until', 'is', null),
            eb('connection_health.reconcile_claimed_until', '<', sql<Date>`now()`),
          ]),
        ),
    )
    .returning('connection_id')
    .executeTakeFirst();
  if (row) return { claimed: true };
  const held = await db
    .selectFrom('connection_health')
    .select('reconcile_claimed_until')
    .where('connection_id', '=', connection.id)
    .executeTakeFirst();
  return { claimed: false, until: held?.reconcile_claimed_until ?? null };
}

export interface ReconciliationRecord {
  trigger: 'job' | 'api';
  outcome: 'completed' | 'failed';
  startedAt: Date;
  finishedAt: Date;
  polled: number;
  recorded: number;
  recovered: Record<string, number>;
  error: { code: string; message: string } | null;
  /** Null when the connector has no health check (or it failed before answering). */
  health: HealthReport | null;
}

/** Stores the reconciliation's result and gives the connection back. */
export async function recordReconciliation(
  db: Db,
  connectionId: string,
  record: ReconciliationRecord,
): Promise<void> {
  await db
    .updateTable('connection_health')
    .set({
      reconcile_claimed_until: null,
      reconciled_at: record.finishedAt,
      reconcile_trigger: record.trigger,
      reconcile_outcome: record.outcome,
      reconcile_ms: record.finishedAt.getTime() - record.startedAt.getTime(),
      reconcile_polled: record.polled,
      reconcile_recorded: record.recorded,
      reconcile_recovered: JSON.stringify(record.recovered),
      reconcile_error: record.error ? `${record.error.code}: ${record.error.message}`.slice(0, 2000) : null,
      ...(record.health
        ? {
            health_checked_at: record.finishedAt,
            healthy: record.health.healthy,
            repaired: JSON.stringify(record.health.repaired),
            platform_webhooks: record.health.webhooks ? JSON.stringify(record.health.webhooks) : null,
            platform_token: record.health.token ? JSON.stringify(record.health.token) : null,
          }
        : {}),
    })
    .where('connection_id', '=', connectionId)
    .execute();
}

/** What ops read about a failure: a connector's code and message, never an unexpected error's text. */
export function describeFailure(error: unknown): { code: string; message: string } {
  if (error instanceof ConnectorError) return { code: error.code, message: error.message };
  return { code: 'unexpected', message: 'an unexpected error (logged with the job)' };
}

export interface PublicationRecord {
  /** SKUs sent (all of them, failed or not). */
  skus: number;
  /** Per-item refusals; empty when everything was set. */
  failed: (StockItemFailure & { available: number })[];
  /** SKUs set, to clear their earlier failures. */
  published: string[];
  /** Set when the publication as a whole failed. */
  error: { code: string; message: string } | null;
}

/** Stores what one stock publication did, in the caller's transaction where it has one. */
export async function recordStockPublication(
  db: Db,
  connection: { id: string; merchant_id: string },
  record: PublicationRecord,
): Promise<void> {
  const failedCount = record.error ? record.skus : record.failed.length;
  const outcome = record.error
    ? 'failed'
    : record.failed.length === 0
      ? 'published'
      : record.failed.length < record.skus
        ? 'partial'
        : 'failed';
  const values = {
    published_at: new Date(),
    publish_outcome: outcome,
    publish_skus: record.skus,
    publish_failed: failedCount,
    publish_error: record.error ? `${record.error.code}: ${record.error.message}`.slice(0, 2000) : null,
  } as const;
  await db
    .insertInto('connection_health')
    .values({ connection_id: connection.id, merchant_id: connection.merchant_id, ...values })
    .onConflict((oc) => oc.column('connection_id').doUpdateSet(values))
    .execute();
  if (record.published.length > 0) {
    await db
      .deleteFrom('stock_publication_failures')
      .where('connection_id', '=', connection.id)
      .where('sku', 'in', record.published)
      .execute();
  }
  if (record.failed.length > 0) {
    await db
      .insertInto('stock_publication_failures')
      .values(
        record.failed.map((failure) => ({
          connection_id: connection.id,
          merchant_id: connection.merchant_id,
          sku: failure.sku,
          available: failure.available,
          code: failure.code.slice(0, 200),
          message: failure.message.slice(0, 1000),
        })),
      )
      .onConflict((oc) =>
        oc.columns(['connection_id', 'sku']).doUpdateSet({
          available: sql`excluded.available`,
          code: sql`excluded.code`,
          message: sql`excluded.message`,
          failed_at: sql`now()`,
        }),
      )
      .execute();
  }
}

/** SKUs refused per failure list shown with a connection (the newest first). */
const FAILURES_SHOWN = 100;

export async function readConnectionHealth(db: Db, connectionId: string) {
  const [health, lastDelivery, failedDeliveries, failures] = await Promise.all([
    db
      .selectFrom('connection_health')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .executeTakeFirst(),
    db
      .selectFrom('deliveries')
      .select(['id', 'topic', 'source', 'status', 'received_at'])
      .where('connection_id', '=', connectionId)
      .where('duplicate_of', 'is', null)
      .orderBy('received_at', 'desc')
      .limit(1)
      .executeTakeFirst(),
    db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('connection_id', '=', connectionId)
      .where('status', 'in', ['failed', 'dead'])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('stock_publication_failures')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .orderBy('failed_at', 'desc')
      .orderBy('sku')
      .limit(FAILURES_SHOWN)
      .execute(),
  ]);
  const iso = (value: Date | null | undefined) => (value ? new Date(value).toISOString() : null);
  return {
    lastDelivery: lastDelivery
      ? {
          id: lastDelivery.id,
          topic: lastDelivery.topic,
          source: lastDelivery.source,
          status: lastDelivery.status,
          receivedAt: lastDelivery.received_at.toISOString(),
        }
      : null,
    failedDeliveries: Number(failedDeliveries.n),
    reconciling: Boolean(
      health?.reconcile_claimed_until && new Date(health.reconcile_claimed_until) > new Date(),
    ),
    lastReconciliation:
      health?.reconciled_at && health.reconcile_outcome
        ? {
            at: iso(health.reconciled_at),
            trigger: health.reconcile_trigger,
            outcome: health.reconcile_outcome,
            durationMs: health.reconcile_ms,
            polled: health.reconcile_polled,
            recorded: health.reconcile_recorded,
            recovered: health.reconcile_recovered,
            error: health.reconcile_error,
          }
        : null,
    platform: health?.health_checked_at
      ? {
          checkedAt: iso(health.health_checked_at),
          healthy: health.healthy,
          repaired: health.repaired,
          webhooks: health.platform_webhooks,
          token: health.platform_token,
        }
      : null,
    lastStockPublication:
      health?.published_at && health.publish_outcome
        ? {
            at: iso(health.published_at),
            outcome: health.publish_outcome,
            skus: health.publish_skus,
            failed: health.publish_failed,
            error: health.publish_error,
          }
        : null,
    stockFailures: failures.map((f) => ({
      sku: f.sku,
      available: f.available,
      code: f.code,
      message: f.message,
      failedAt: f.failed_at.toISOString(),
    })),
  };
}

export type ConnectionHealth = Awaited<ReturnType<typeof readConnectionHealth>>;
