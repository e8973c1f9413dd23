import { sql } from 'kysely';
import { Type } from 'typebox';

/**
 * Keyset pagination over newest-first lists ordered by (time, id). The cursor is the last row's id;
 * the database compares against that row's own timestamp, which keeps PostgreSQL's microseconds
 * that a JavaScript Date would round away (and with them, rows between two pages).
 */
export function encodeCursor(id: string): string {
  return Buffer.from(id).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeCursor(cursor: string | undefined): string | null {
  if (!cursor) return null;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  return UUID.test(id) ? id : null;
}

/** The page parameters of every list's query string (spread into its TypeBox object). */
export const pageQuerySchema = {
  // Required in the type, and always there: ajv fills the default in before it checks.
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  // The base64url form of a row id, as `nextCursor` gave it; anything else is a 400.
  cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{48}$' })),
};

/** What a page query gives a query module: how many rows, and after which row. */
export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

/** The SQL condition "after the cursor row". */
export function olderThan(table: string, timeColumn: string, cursorId: string) {
  return sql<boolean>`(${sql.ref(timeColumn)}, ${sql.ref('id')}) < (select ${sql.ref(timeColumn)}, id from ${sql.table(table)} where id = ${cursorId})`;
}

/** Cuts the extra row a query fetched (limit + 1) into the page and the cursor of the next one. */
export function toPage<Row extends { id: string }>(rows: Row[], limit: number) {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}
