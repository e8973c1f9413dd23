import type { Session } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.ts';

type Callback = (error?: unknown) => void;

/**
 * @fastify/session's store in the hub's own database: sessions survive a restart, are shared by
 * every hub process, and can be revoked (a row deleted is a session gone). An expired row is never
 * returned; the retention job is not needed for correctness, only to keep the table small.
 */
export class DatabaseSessionStore {
  private readonly db: Kysely<Database>;
  private readonly fallbackTtlMs: number;

  constructor(db: Kysely<Database>, fallbackTtlMs: number) {
    this.db = db;
    this.fallbackTtlMs = fallbackTtlMs;
  }

  set(sessionId: string, session: Session, callback: Callback): void {
    const expires = session.cookie.expires
      ? new Date(session.cookie.expires)
      : new Date(Date.now() + this.fallbackTtlMs);
    const data = JSON.stringify(session);
    const userId = typeof session.userId === 'string' ? session.userId : null;
    this.db
      .insertInto('sessions')
      .values({ id: sessionId, user_id: userId, data, expires_at: expires })
      .onConflict((oc) => oc.column('id').doUpdateSet({ user_id: userId, data, expires_at: expires }))
      .execute()
      .then(() => callback(), callback);
  }

  get(sessionId: string, callback: (error: unknown, session?: Session | null) => void): void {
    this.db
      .selectFrom('sessions')
      .select(['data'])
      .where('id', '=', sessionId)
      .where('expires_at', '>', new Date())
      .executeTakeFirst()
      // Why the cast: `data` is JSON this store alone writes, always a session serialized by @fastify/session.
      .then((row) => callback(null, row ? (row.data as unknown as Session) : null), callback);
    // The row's JSON is what `set` wrote from a Session, so it is read back as one.
  }

  destroy(sessionId: string, callback: Callback): void {
    this.db
      .deleteFrom('sessions')
      .where('id', '=', sessionId)
      .execute()
      .then(() => callback(), callback);
  }
}

/** Drops expired sessions; returns how many. */
export async function deleteExpiredSessions(db: Kysely<Database>): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<=', new Date()).executeTakeFirst();
  return Number(result.numDeletedRows);
}
