import { createConnectors } from '../connectors/registry.ts';
import { startSandboxDemo } from '../sandbox/demo.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createProcessLogger, wantsReadableLogs } from './logger.ts';
import { webhookSecretHeaders } from './pipeline/registry.ts';
import { startHub } from './start-hub.ts';

let config: ReturnType<typeof loadConfig>;
let connectors: ReturnType<typeof createConnectors>;
try {
  config = loadConfig();
  connectors = createConnectors();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  throw error;
}

const log = await createProcessLogger(
  config.logLevel,
  wantsReadableLogs(config.env, process.stdout),
  undefined,
  webhookSecretHeaders(connectors),
);
const running = await startHub(config, { logger: log, connectors });
const sandbox = config.sandbox.enabled
  ? await startSandboxDemo(running.hub, config.sandbox, running.url)
  : null;

const tokenHint = config.apiToken ? '$API_TOKEN' : `$(cat ${config.dataDir}/api-token)`;
log.info(
  {
    url: running.url,
    database: running.database.engine === 'pglite' ? `PGlite in ${config.dataDir}/pglite` : 'PostgreSQL',
    docs: `${running.url}/docs`,
    dashboard: `${running.url}/dashboard/orders`,
    sandbox: sandbox
      ? {
          storefrontConnectionId: sandbox.storefrontConnectionId,
          threePlConnectionId: sandbox.threePlConnectionId,
        }
      : false,
  },
  `hub listening on ${running.url} — dashboard at ${running.url}/dashboard/orders — API docs at ${running.url}/docs — try: curl -H "authorization: Bearer ${tokenHint}" ${running.url}/api/orders`,
);

let shuttingDown = false;
async function shutdown(signal: string) {
  if (shuttingDown) return;
  shuttingDown = true;
  log.info({ signal }, 'shutting down: no new webhooks, finishing jobs in flight');
  const deadline = setTimeout(
    () => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    },
    (config.shutdownTimeoutSeconds + 10) * 1000,
  );
  deadline.unref();
  try {
    await sandbox?.stop();
    await running.stop();
    log.info('stopped');
    process.exit(0);
  } catch (error) {
    log.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
