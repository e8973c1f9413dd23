/**
 * Reconciliation paging, shared by both connectors: fetch records updated strictly after a cursor,
 * oldest change first, page by page, and move the cursor to the newest change seen.
 */
import { RetryableError } from '../../src/sdk/index.ts';

export const POLL_PAGE_SIZE = 250;
/** Bounds one poll's work; the cursor returned lets the next poll carry on where this one stopped. */
export const POLL_MAX_PAGES = 20;

export interface ChangedRecords<T> {
  records: T[];
  /** The newest `updated_at` seen, or null when nothing changed (the hub then keeps its cursor). */
  nextCursor: string | null;
}

/**
 * The cursor is the newest `updated_at` seen, handed back verbatim. That is lossless only because
 * the sandbox never gives two records the same `updated_at`; against a real API with coarse
 * timestamps, re-read a small overlap and rely on the hub ignoring changes it already has.
 */
export async function collectChangedSince<T extends { updated_at: string }>(
  fetchPage: (updatedSince: string | null, limit: number) => Promise<T[]>,
  cursor: string | null,
  { pageSize = POLL_PAGE_SIZE, maxPages = POLL_MAX_PAGES } = {},
): Promise<ChangedRecords<T>> {
  const records: T[] = [];
  let since = cursor;
  let nextCursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const batch = await fetchPage(since, pageSize);
    records.push(...batch);
    const newest = newestUpdatedAt(batch);
    if (newest !== null && (nextCursor === null || Date.parse(newest) > Date.parse(nextCursor)))
      nextCursor = newest;
    // A short page is the last one.
    if (batch.length < pageSize) break;
    // A full page that does not move the cursor would be fetched again forever.
    if (newest === null || (since !== null && Date.parse(newest) <= Date.parse(since))) {
      throw new RetryableError('invalid_response', 'a full page of changes did not advance the cursor', {
        since,
      });
    }
    since = newest;
  }
  return { records, nextCursor };
}

function newestUpdatedAt(records: readonly { updated_at: string }[]): string | null {
  let newest: string | null = null;
  for (const { updated_at } of records) {
    if (newest === null || Date.parse(updated_at) > Date.parse(newest)) newest = updated_at;
  }
  return newest;
}
