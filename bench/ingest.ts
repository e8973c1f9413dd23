/**
 * `npm run bench`: webhook ingest throughput and latency of the hub against the sandbox storefront's
 * signed order webhooks, next to a bare Fastify 200-OK on the same machine in the same run. Servers
 * run in their own processes; the load comes from this one (autocannon).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import autocannon from 'autocannon';
import { createStorefrontSimulator } from '../sandbox/index.ts';
import { hmacSha256 } from '../src/sdk/signature.ts';

const DURATION_S = Number(process.env.BENCH_DURATION_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

async function startServer<T>(script: string): Promise<{ child: ChildProcess; info: T }> {
  const child = fork(new URL(script, import.meta.url), {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: process.env,
  });
  const [info] = (await once(child, 'message')) as [T];
  return { child, info };
}

async function stopServer(child: ChildProcess) {
  child.send('stop');
  await once(child, 'exit');
}

function ask<T>(child: ChildProcess, message: string): Promise<T> {
  const reply = once(child, 'message').then(([value]) => value as T);
  child.send(message);
  return reply;
}

// One real sandbox order is the template; each request gets its own order id and event id, so the
// hub stores every one (no duplicate shortcut) and the signature is over each request's exact bytes.
const simulator = createStorefrontSimulator({ apiKey: 'x', webhookSecret: 'x' });
const template = JSON.stringify(simulator.placeOrder());
const templateId = JSON.parse(template).id as string;
await simulator.close();

function run(title: string, options: autocannon.Options): Promise<autocannon.Result> {
  process.stderr.write(`running ${title} for ${DURATION_S}s with ${CONNECTIONS} connections…\n`);
  return autocannon({ duration: DURATION_S, connections: CONNECTIONS, ...options });
}

const bare = await startServer<{ url: string }>('./bare-server.ts');
const bareResult = await run('bare fastify', {
  url: `${bare.info.url}/webhook`,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: template,
});
await stopServer(bare.child);

const hub = await startServer<{ webhookUrl: string; webhookSecret: string; engine: string }>(
  './hub-server.ts',
);
let sequence = 0;
const hubResult = await run('hub ingest', {
  url: hub.info.webhookUrl,
  method: 'POST',
  requests: [
    {
      setupRequest: (request) => {
        sequence += 1;
        const id = `8${String(sequence).padStart(18, '0')}`;
        const body = template.replaceAll(templateId, id);
        request.body = body;
        request.headers = {
          'content-type': 'application/json',
          'x-sandbox-topic': 'orders/create',
          'x-sandbox-event-id': `bench-${id}`,
          'x-sandbox-signature': hmacSha256(hub.info.webhookSecret, body, 'base64'),
        };
        return request;
      },
    },
  ],
});
const stored = await ask<{ deliveries: number }>(hub.child, 'count');
await stopServer(hub.child);

const row = (name: string, r: autocannon.Result) => ({
  server: name,
  'req/s (mean)': Math.round(r.requests.average),
  'p50 ms': r.latency.p50,
  'p99 ms': r.latency.p99,
  '2xx': r['2xx'],
  'non-2xx': r.non2xx,
  errors: r.errors + r.timeouts,
});
console.log(
  `\nWebhook ingest, ${DURATION_S}s × ${CONNECTIONS} connections, ${hub.info.engine} (${process.version}, ${process.platform})`,
);
console.table([row('bare fastify 200-OK', bareResult), row(`hub ingest (${hub.info.engine})`, hubResult)]);
console.log(
  `hub / bare throughput: ${((hubResult.requests.average / bareResult.requests.average) * 100).toFixed(1)} %`,
);
// Requests still in flight when the clock stops are stored but not counted as answered.
console.log(
  `deliveries stored: ${stored.deliveries}, acknowledged: ${hubResult['2xx']} (every 200 must be a stored row)`,
);
if (stored.deliveries < hubResult['2xx']) {
  console.error('MISMATCH: an acknowledged delivery is missing');
  process.exitCode = 1;
}
