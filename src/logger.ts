import { type Logger, pino } from 'pino';
import { databaseFailureOf } from './db/database-errors.ts';
import { isSecretHeader } from './secret-headers.ts';

/**
 * Secrets and customer PII never reach a log line: signatures, tokens and credentials, and the
 * personal fields of orders, are censored wherever they appear in the logged object.
 */
export const REDACTED_PATHS = [
  // Every header is looked at; the censor below keeps those that carry no secret.
  'req.headers.*',
  'headers.*',
  '*.credentials',
  'credentials',
  '*.apiKey',
  '*.accessToken',
  '*.consumerSecret',
  '*.webhookSecret',
  '*.password',
  '*.token',
  '*.email',
  'email',
  '*.shippingAddress',
  '*.shipping_address',
  '*.shipTo',
  '*.ship_to',
  '*.phone',
];

/**
 * Errors are logged with their class, code and context, but never with the remote side's response
 * body, which can echo a customer's address or email back.
 */
function serializeError(error: unknown) {
  // A database error's text and detail quote the values it refused: logged by class and names only.
  const database = databaseFailureOf(error);
  if (database) {
    const { message, ...fields } = database;
    const stack = (error as Error).stack?.split('\n').slice(1).join('\n');
    return { type: 'DatabaseError', message, ...fields, ...(stack ? { stack } : {}) };
  }
  // Why the cast: pino types its serialized error as a closed shape; we add and remove fields on it.
  const serialized = pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  const context = serialized.context as Record<string, unknown> | undefined;
  if (context && 'body' in context) serialized.context = { ...context, body: '[redacted]' };
  return serialized;
}

const CENSORED = '[redacted]';

/**
 * The censor: a header is kept unless it carries a secret (its name says so, or a connector's
 * manifest declares it in `webhookHeaders.secret`); every other redacted path is censored.
 */
export function censorFor(secretHeaders: readonly string[] = []) {
  const declared = new Set(secretHeaders.map((name) => name.toLowerCase()));
  return (value: unknown, path: string[]): unknown => {
    const name = path.at(-1) ?? '';
    const isHeader = path.at(-2) === 'headers';
    return isHeader && !isSecretHeader(name, declared) ? value : CENSORED;
  };
}

export function createLogger(
  level: string,
  destination?: NodeJS.WritableStream,
  secretHeaders: readonly string[] = [],
): Logger {
  const options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: censorFor(secretHeaders) },
    serializers: { err: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A person reads the console in development on a terminal; everything else (files, pipes, log shippers) gets JSON. */
export function wantsReadableLogs(env: string, stdout: { isTTY?: boolean }): boolean {
  return env === 'development' && stdout.isTTY === true;
}

/**
 * The process's logger: JSON lines, or pino-pretty's readable lines for a person at a terminal.
 * pino-pretty is a development dependency; where it is not installed the logs stay JSON. It runs
 * as a stream in this thread (not a transport worker), after redaction, like any destination.
 */
export async function createProcessLogger(
  level: string,
  readable: boolean,
  destination?: NodeJS.WritableStream,
  secretHeaders: readonly string[] = [],
): Promise<Logger> {
  if (!readable) return createLogger(level, destination, secretHeaders);
  try {
    const { default: pretty } = await import('pino-pretty');
    return createLogger(
      level,
      pretty({
        colorize: !destination,
        translateTime: 'SYS:HH:MM:ss.l',
        sync: true,
        ...(destination ? { destination } : {}),
      }),
      secretHeaders,
    );
  } catch {
    return createLogger(level, destination, secretHeaders);
  }
}
