/**
 * Timestamps that never repeat and never go backwards within one simulator.
 *
 * The simulators' list endpoints return records updated strictly after a cursor. If two records
 * shared a millisecond and a page ended between them, the second would never be returned; a clock
 * that always moves forward by at least a millisecond rules that out, so paging is lossless.
 */
export function createMonotonicClock(now: () => number = Date.now): () => string {
  let last = 0;
  return () => {
    last = Math.max(now(), last + 1);
    return new Date(last).toISOString();
  };
}
