/**
 * What a database error means for the work that hit it, without repeating its text: PostgreSQL's
 * messages and details quote the values they refused (a customer's email in a unique violation, the
 * number in an overflow), so the hub records and logs the SQLSTATE, its class and the names of the
 * table, column and constraint, never the message.
 *
 * Deterministic errors are the same on every attempt: retrying only delays the person who must
 * look. Everything else (a dropped connection, a deadlock, a server starting up or out of memory)
 * may pass and is retried like any transient failure.
 *
 * One kind of failure is nobody's fault and passes: the database is unreachable or dropped the
 * connection. A request then answers 503 with Retry-After (the sender tries again), a job retries,
 * and nothing about it is a bug to report as a 500 (`isDatabaseUnavailable`).
 */

const CLASSES: Record<string, string> = {
  '08': 'connection exception',
  '0A': 'feature not supported',
  '22': 'data exception',
  '23': 'integrity constraint violation',
  '25': 'invalid transaction state',
  '40': 'transaction rollback',
  '42': 'syntax error or access rule violation',
  '53': 'insufficient resources',
  '54': 'program limit exceeded',
  '55': 'object not in prerequisite state',
  '57': 'operator intervention',
  '58': 'system error',
  XX: 'internal error',
};

/**
 * Data exceptions (22: a value out of range, bad text), integrity violations (23) and program
 * limits (54: an index row too large) repeat on every attempt. Two integrity violations do not:
 * a unique or exclusion violation is what a race between two processes inserting the same row
 * looks like, and the retry finds the row the other one committed.
 */
const DETERMINISTIC_CLASSES = new Set(['22', '23', '54']);
const RACES = new Set(['23505', '23P01']);

export interface DatabaseFailure {
  sqlState: string;
  className: string;
  deterministic: boolean;
  table: string | null;
  column: string | null;
  constraint: string | null;
  /** For a person and a log line: the class, the SQLSTATE and the names involved, no values. */
  message: string;
}

/** The database error behind a failure (pg and PGlite alike carry the SQLSTATE as `code`), or null. */
export function databaseFailureOf(error: unknown): DatabaseFailure | null {
  if (typeof error !== 'object' || error === null) return null;
  const fields = error as Record<string, unknown>;
  const code = fields.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || typeof fields.severity !== 'string') {
    return null;
  }
  const prefix = code.slice(0, 2);
  const className = CLASSES[prefix] ?? `class ${prefix}`;
  const deterministic = DETERMINISTIC_CLASSES.has(prefix) && !RACES.has(code);
  const name = (key: string) => {
    const value = fields[key];
    return typeof value === 'string' && /^[a-z_][a-z0-9_$]{0,62}$/i.test(value) ? value : null;
  };
  const table = name('table');
  const column = name('column');
  const constraint = name('constraint');
  const where = [
    constraint ? `constraint ${constraint}` : null,
    table ? `on ${table}${column ? `.${column}` : ''}` : null,
  ].filter(Boolean);
  const what = deterministic ? 'the database refused the data' : 'the database failed';
  return {
    sqlState: code,
    className,
    deterministic,
    table,
    column,
    constraint,
    message: `${what} (${className}, SQLSTATE ${code}${where.length ? `, ${where.join(' ')}` : ''})`,
  };
}

/** A failure as it may be recorded where the API shows it: a database error only by its class. */
export function failureMessage(error: unknown): string {
  const database = databaseFailureOf(error);
  if (database) return database.message;
  return String((error as Error)?.message ?? error);
}

// SQLSTATE classes and codes that mean the server went away or will not take us right now:
// 08 connection exception, 57P01 admin shutdown (pg_terminate_backend, a restart), 57P02 crash
// shutdown, 57P03 cannot connect now (starting up, shutting down, in recovery), 53300 too many
// connections.
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;

// Socket failures, as Node names them (system errors carry the call that failed).
const UNAVAILABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// What pg and pg-pool say when a connection ended or could not be had; they carry no code.
const UNAVAILABLE_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable|Client was closed and is not queryable)/;

/**
 * pg rejects with the socket's or the server's error itself, never wrapped, so causes are not
 * followed: a connector's error caused by a refused HTTP connection is the remote side's, not ours.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, severity, syscall } = error as { code?: unknown; severity?: unknown; syscall?: unknown };
  if (typeof code === 'string') {
    // A server's error message (it has a severity) or a socket's (it names its system call).
    if (typeof severity === 'string' && UNAVAILABLE_SQLSTATE.test(code)) return true;
    if (typeof syscall === 'string' && UNAVAILABLE_ERRNO.has(code)) return true;
  }
  if (UNAVAILABLE_MESSAGE.test(error.message)) return true;
  // Node's connect tries every address of a host and reports each failure together.
  return error instanceof AggregateError && error.errors.some((inner) => isDatabaseUnavailable(inner));
}

/** Seconds a client is asked to wait before trying again while the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;
