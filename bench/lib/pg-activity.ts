/**
 * Samples pg_stat_activity for one database while a load runs: how many of its connections are
 * active, idle in transaction (a transaction held open across JavaScript work or round trips) and
 * what the active ones wait on. The profile's PostgreSQL side, without pg_stat_statements (which
 * needs a server restart to preload).
 */
import pg from 'pg';
import { ADMIN_URL } from './throwaway-database.ts';

export interface ActivitySummary {
  samples: number;
  active: number;
  idleInTransaction: number;
  /** Mean connections per wait event (`type:event`, `cpu` when running), most frequent first. */
  waits: [string, number][];
  /** Commits per second in that database over the sampling window. */
  commitsPerSecond: number;
}

export async function sampleActivity(databaseUrl: string) {
  const name = new URL(databaseUrl).pathname.slice(1);
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  const commits = async () =>
    Number(
      (await client.query('select xact_commit from pg_stat_database where datname = $1', [name])).rows[0]
        ?.xact_commit ?? 0,
    );
  const startCommits = await commits();
  const started = Date.now();
  let samples = 0;
  let active = 0;
  let idleInTransaction = 0;
  const waits = new Map<string, number>();
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      const { rows } = await client.query<{ state: string; wait: string | null }>(
        `select state, wait_event_type || ':' || wait_event as wait from pg_stat_activity
          where datname = $1 and pid <> pg_backend_pid()`,
        [name],
      );
      samples += 1;
      for (const row of rows) {
        if (row.state === 'idle in transaction') idleInTransaction += 1;
        if (row.state === 'active') {
          active += 1;
          const key = row.wait ?? 'cpu';
          waits.set(key, (waits.get(key) ?? 0) + 1);
        }
      }
    } finally {
      busy = false;
    }
  }, 100);
  return {
    async stop(): Promise<ActivitySummary> {
      clearInterval(timer);
      const seconds = (Date.now() - started) / 1000;
      const commitsPerSecond = ((await commits()) - startCommits) / seconds;
      await client.end();
      const per = (n: number) => (samples === 0 ? 0 : n / samples);
      return {
        samples,
        active: per(active),
        idleInTransaction: per(idleInTransaction),
        waits: [...waits.entries()]
          .map(([k, v]): [string, number] => [k, per(v)])
          .sort((a, b) => b[1] - a[1]),
        commitsPerSecond,
      };
    },
  };
}
