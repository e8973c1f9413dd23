/**
 * Tells "the database is unreachable or dropped the connection" apart from every other failure.
 * Such a failure is nobody's fault and passes: a request answers 503 with Retry-After (the sender
 * tries again), a job retries, and nothing about it is a bug to report as a 500.
 */

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
