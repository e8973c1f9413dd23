/**
 * A client-side pg_stat_statements for one hub process (the server's needs a restart to preload):
 * every statement sent through `pg` (Kysely's and pg-boss's alike), grouped by its text with
 * literals and parameters folded, with its calls and the wall time from send to result. The time
 * includes waiting behind the connection's earlier queries, which is part of what a caller waits.
 */
import pg from 'pg';

interface Entry {
  calls: number;
  totalMs: number;
}

const entries = new Map<string, Entry>();
let enabled = false;

// The same few statement texts come back thousands of times: folding each once keeps the trace's own
// cost out of the profile it sits beside.
const shapes = new Map<string, string>();

function shapeOf(query: unknown): string {
  const text = typeof query === 'string' ? query : ((query as { text?: string })?.text ?? '?');
  const known = shapes.get(text);
  if (known !== undefined) return known;
  const shape = text
    .replace(/\s+/g, ' ')
    .replace(/\$\d+/g, '$n')
    .replace(/'(?:[^']|'')*'/g, "'…'")
    .replace(/\b\d+\b/g, 'N')
    .trim()
    .slice(0, 160);
  if (shapes.size < 10_000) shapes.set(text, shape);
  return shape;
}

function record(shape: string, started: number) {
  const entry = entries.get(shape) ?? { calls: 0, totalMs: 0 };
  entry.calls += 1;
  entry.totalMs += performance.now() - started;
  entries.set(shape, entry);
}

export function installSqlTrace(): void {
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  // pg's query() is overloaded (promise or callback, text or config): wrapped without retyping it.
  (pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (
    this: pg.Client,
    ...args: unknown[]
  ) {
    if (!enabled) return original.apply(this, args);
    const started = performance.now();
    const shape = shapeOf(args[0]);
    const last = args.at(-1);
    if (typeof last === 'function') {
      args[args.length - 1] = (...result: unknown[]) => {
        record(shape, started);
        return (last as (...r: unknown[]) => unknown)(...result);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args);
    if (result instanceof Promise) return result.finally(() => record(shape, started));
    return result;
  };
}

export function startSqlTrace(): void {
  entries.clear();
  enabled = true;
}

export interface TracedStatement {
  statement: string;
  calls: number;
  totalMs: number;
  meanMs: number;
}

export function stopSqlTrace(): TracedStatement[] {
  enabled = false;
  return [...entries.entries()]
    .map(([statement, { calls, totalMs }]) => ({ statement, calls, totalMs, meanMs: totalMs / calls }))
    .sort((a, b) => b.totalMs - a.totalMs);
}
