import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * The one configuration of a hub process, read from the environment and validated once at start.
 * A missing or malformed variable stops the process with a message naming it.
 */
const schema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    NODE_ENV: { type: 'string', enum: ['development', 'production', 'test'], default: 'development' },
    HOST: { type: 'string', minLength: 1, default: '127.0.0.1' },
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 3000 },
    PUBLIC_URL: { type: 'string', format: 'uri', pattern: '^https?://' },
    DATABASE_URL: { type: 'string', pattern: '^postgres(ql)?://' },
    DATABASE_POOL_SIZE: { type: 'integer', minimum: 1, maximum: 200, default: 10 },
    DATA_DIR: { type: 'string', minLength: 1, default: './data' },
    API_TOKEN: { type: 'string', minLength: 24 },
    ENCRYPTION_KEY: { type: 'string', pattern: '^[A-Za-z0-9+/]{43}=$' },
    LOG_LEVEL: {
      type: 'string',
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
    },
    WEBHOOK_BODY_LIMIT_BYTES: { type: 'integer', minimum: 1024, default: 2_097_152 },
    HTTP_REQUEST_TIMEOUT_MS: { type: 'integer', minimum: 1000, maximum: 600_000, default: 30_000 },
    HTTP_HEADERS_TIMEOUT_MS: { type: 'integer', minimum: 1000, maximum: 600_000, default: 10_000 },
    HTTP_KEEP_ALIVE_TIMEOUT_MS: { type: 'integer', minimum: 1000, maximum: 600_000, default: 72_000 },
    JOB_CONCURRENCY: { type: 'integer', minimum: 1, maximum: 200, default: 8 },
    JOB_POLL_INTERVAL_SECONDS: { type: 'number', minimum: 0.5, maximum: 60, default: 0.5 },
    JOB_RETRY_LIMIT: { type: 'integer', minimum: 0, maximum: 100, default: 10 },
    JOB_RETRY_DELAY_SECONDS: { type: 'integer', minimum: 1, maximum: 3600, default: 2 },
    JOB_RETRY_DELAY_MAX_SECONDS: { type: 'integer', minimum: 1, maximum: 86400, default: 900 },
    JOB_HEARTBEAT_SECONDS: { type: 'integer', minimum: 10, maximum: 3600, default: 30 },
    JOB_SUPERVISE_INTERVAL_SECONDS: { type: 'integer', minimum: 1, maximum: 3600, default: 30 },
    JOB_MAX_DEFERRALS: { type: 'integer', minimum: 1, maximum: 1000, default: 30 },
    RECONCILE_CRON: { type: 'string', minLength: 9, default: '*/10 * * * *' },
    DELIVERY_BODY_RETENTION_DAYS: { type: 'integer', minimum: 1, maximum: 3650, default: 30 },
    JOB_SUMMARY_INTERVAL_SECONDS: { type: 'integer', minimum: 1, maximum: 86400, default: 60 },
    SHUTDOWN_TIMEOUT_SECONDS: { type: 'integer', minimum: 1, maximum: 600, default: 30 },
    SANDBOX: { type: 'boolean' },
    SANDBOX_PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 0 },
    SANDBOX_ORDER_INTERVAL_MS: { type: 'integer', minimum: 0, default: 4000 },
    SANDBOX_SHIP_DELAY_MS: { type: 'integer', minimum: 0, default: 5000 },
    // Read by the sandbox demo (sandbox/three-pl-locations.ts parses it; empty: one warehouse).
    SANDBOX_3PL_LOCATIONS: { type: 'string', maxLength: 10000, default: '' },
  },
} as const;

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** Where storefronts and 3PLs reach this hub; defaults to the listen address. */
  publicUrl: string | null;
  databaseUrl: string | null;
  databasePoolSize: number;
  dataDir: string;
  apiToken: string | null;
  encryptionKey: string | null;
  logLevel: string;
  webhookBodyLimitBytes: number;
  /** How long a client may take to send its request, and keep an idle connection open. */
  http: { requestTimeoutMs: number; headersTimeoutMs: number; keepAliveTimeoutMs: number };
  jobs: {
    concurrency: number;
    pollIntervalSeconds: number;
    retryLimit: number;
    retryDelaySeconds: number;
    retryDelayMaxSeconds: number;
    heartbeatSeconds: number;
    superviseIntervalSeconds: number;
    /** How often a remote's "come back later" is obeyed for one operation before it dead-letters. */
    maxDeferrals: number;
    reconcileCron: string;
    /** How often each process logs what its workers did (info level). */
    summaryIntervalSeconds: number;
  };
  /** Delivery bodies older than this are erased (the delivery's metadata is kept). */
  deliveryBodyRetentionDays: number;
  shutdownTimeoutSeconds: number;
  sandbox: {
    enabled: boolean;
    port: number;
    orderIntervalMs: number;
    shipDelayMs: number;
    /** `two`, or a JSON list of the sandbox 3PL's warehouses; empty: its one default warehouse. */
    threePlLocations?: string;
  };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const ajv = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true });
addFormats.default(ajv);
const validate = ajv.compile(schema);

const BOOLEAN_VARIABLES = new Set(
  Object.entries(schema.properties)
    .filter(([, property]) => property.type === 'boolean')
    .map(([name]) => name),
);
const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

/** The usual spellings of a yes or a no, in any case; anything else is left for the schema to refuse. */
function parseBoolean(value: string): boolean | string {
  const word = value.trim().toLowerCase();
  if (TRUE.has(word)) return true;
  if (FALSE.has(word)) return false;
  return value;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset", as in most .env tooling.
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    input[key] = BOOLEAN_VARIABLES.has(key) ? parseBoolean(value) : value;
  }
  if (!validate(input)) {
    const problems = (validate.errors ?? []).map((error) => {
      const variable = error.instancePath.replace(/^\//, '') || String(error.params.missingProperty ?? '');
      if (BOOLEAN_VARIABLES.has(variable))
        return `${variable}: must be a boolean (1/0, true/false, yes/no or on/off, any case)`;
      return `${variable}: ${error.message}`;
    });
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  // biome-ignore lint/suspicious/noExplicitAny: shaped by the schema validated just above
  const v = input as Record<string, any>;
  const production = v.NODE_ENV === 'production';
  // Node refuses a server whose headers may take longer than the whole request.
  if (v.HTTP_HEADERS_TIMEOUT_MS > v.HTTP_REQUEST_TIMEOUT_MS)
    throw new ConfigError('HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS');
  if (production && !v.API_TOKEN) throw new ConfigError('API_TOKEN: required when NODE_ENV=production');
  if (production && !v.ENCRYPTION_KEY)
    throw new ConfigError('ENCRYPTION_KEY: required when NODE_ENV=production');
  return {
    env: v.NODE_ENV,
    host: v.HOST,
    port: v.PORT,
    publicUrl: v.PUBLIC_URL?.replace(/\/$/, '') ?? null,
    databaseUrl: v.DATABASE_URL ?? null,
    databasePoolSize: v.DATABASE_POOL_SIZE,
    dataDir: v.DATA_DIR,
    apiToken: v.API_TOKEN ?? null,
    encryptionKey: v.ENCRYPTION_KEY ?? null,
    logLevel: v.LOG_LEVEL,
    webhookBodyLimitBytes: v.WEBHOOK_BODY_LIMIT_BYTES,
    http: {
      requestTimeoutMs: v.HTTP_REQUEST_TIMEOUT_MS,
      headersTimeoutMs: v.HTTP_HEADERS_TIMEOUT_MS,
      keepAliveTimeoutMs: v.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    },
    jobs: {
      concurrency: v.JOB_CONCURRENCY,
      pollIntervalSeconds: v.JOB_POLL_INTERVAL_SECONDS,
      retryLimit: v.JOB_RETRY_LIMIT,
      retryDelaySeconds: v.JOB_RETRY_DELAY_SECONDS,
      retryDelayMaxSeconds: v.JOB_RETRY_DELAY_MAX_SECONDS,
      heartbeatSeconds: v.JOB_HEARTBEAT_SECONDS,
      superviseIntervalSeconds: v.JOB_SUPERVISE_INTERVAL_SECONDS,
      maxDeferrals: v.JOB_MAX_DEFERRALS,
      reconcileCron: v.RECONCILE_CRON,
      summaryIntervalSeconds: v.JOB_SUMMARY_INTERVAL_SECONDS,
    },
    deliveryBodyRetentionDays: v.DELIVERY_BODY_RETENTION_DAYS,
    shutdownTimeoutSeconds: v.SHUTDOWN_TIMEOUT_SECONDS,
    sandbox: {
      // The sandbox is the default for a newcomer; production turns it off unless asked.
      enabled: v.SANDBOX ?? !production,
      port: v.SANDBOX_PORT,
      orderIntervalMs: v.SANDBOX_ORDER_INTERVAL_MS,
      shipDelayMs: v.SANDBOX_SHIP_DELAY_MS,
      threePlLocations: v.SANDBOX_3PL_LOCATIONS,
    },
  };
}
