/**
 * `npm run bench:writeback`: how long after a burst of orders their tracking reaches the storefront.
 * The sandbox storefront places BENCH_ORDERS orders at BENCH_ORDER_RATE a second; the sandbox 3PL
 * accepts them and ships each BENCH_SHIP_DELAY_MS later, which sends the tracking and a stock change
 * to the hub; the hub writes the tracking back and publishes stock to the storefront. Printed: how
 * many trackings were written back at fixed times after the burst, when half, nine tenths and all
 * were, and the most `publish-stock` jobs waiting at once (one storefront: coalesced, that is 1).
 *
 * The hub runs in its own process (bench/writeback-hub.ts) on a throwaway PGlite database, or on
 * PostgreSQL with BENCH_DATABASE_URL=postgres://…; JOB_* variables pass through to it.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { createStorefrontSimulator, createThreePlSimulator, DEFAULT_CATALOG } from '../sandbox/index.ts';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 2000);
const ORDER_RATE = Number(process.env.BENCH_ORDER_RATE ?? 200);
const SHIP_DELAY_MS = Number(process.env.BENCH_SHIP_DELAY_MS ?? 1000);
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT_SECONDS ?? 300);
const CHECKPOINTS_S = [10, 30, 60, 120, 160, 240];

const hubProcess: ChildProcess = fork(new URL('./writeback-hub.ts', import.meta.url), {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  env: process.env,
});
const [hubInfo] = (await once(hubProcess, 'message')) as [{ url: string; apiToken: string; engine: string }];

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${hubInfo.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${hubInfo.apiToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Jobs of a queue ready to run and not started, from the hub's own metrics. */
async function pendingJobs(queue: string): Promise<number> {
  const text = await (await fetch(`${hubInfo.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`hub_jobs_pending{queue="${queue}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

const storefrontSecrets = { apiKey: 'bench-storefront-key', webhookSecret: 'bench-storefront-secret' };
const threePlSecrets = { apiKey: 'bench-3pl-key', webhookSecret: 'bench-3pl-secret' };
const storefront = createStorefrontSimulator({
  ...storefrontSecrets,
  webhookRetries: 8,
  webhookRetryDelayMs: 500,
});
// Plenty of every SKU, so that every shipment changes what the storefront should show.
const threePl = createThreePlSimulator({
  ...threePlSecrets,
  stock: Object.fromEntries(DEFAULT_CATALOG.map((item) => [item.sku, 1_000_000])),
  shipDelayMs: SHIP_DELAY_MS,
  webhookRetries: 8,
  webhookRetryDelayMs: 500,
});
const storefrontUrl = await storefront.listen(0);
const threePlUrl = await threePl.listen(0);

const merchant = await api<{ id: string }>('POST', '/api/merchants', { name: 'bench' });
const storefrontConnection = await api<{ id: string; webhookUrl: string }>('POST', '/api/connections', {
  merchantId: merchant.id,
  connector: 'sandbox-storefront',
  externalAccount: 'bench-storefront',
  settings: { baseUrl: storefrontUrl },
  credentials: storefrontSecrets,
});
const threePlConnection = await api<{ id: string; webhookUrl: string }>('POST', '/api/connections', {
  merchantId: merchant.id,
  connector: 'sandbox-3pl',
  externalAccount: 'bench-3pl',
  settings: { baseUrl: threePlUrl },
  credentials: threePlSecrets,
  defaultFulfillment: true,
});
storefront.setWebhookUrl(storefrontConnection.webhookUrl);
threePl.setWebhookUrl(threePlConnection.webhookUrl);

process.stderr.write(
  `placing ${ORDERS} orders at ${ORDER_RATE}/s on ${hubInfo.engine}, shipping ${SHIP_DELAY_MS} ms after acceptance…\n`,
);
const started = Date.now();
let peakPublishPending = 0;
const sampler = setInterval(() => {
  pendingJobs('publish-stock')
    .then((pending) => {
      peakPublishPending = Math.max(peakPublishPending, pending);
    })
    .catch(() => {});
}, 1000);

const waiting = new Set<string>();
for (let placed = 0; placed < ORDERS; ) {
  const batch = Math.min(ORDERS - placed, Math.max(1, Math.round(ORDER_RATE / 10)));
  for (let i = 0; i < batch; i++) waiting.add(storefront.placeOrder().id);
  placed += batch;
  await sleep(100);
}
// The burst ends when the storefront has delivered its last order webhook.
await storefront.webhooksSettled();
const burstEnd = Date.now();
const burstSeconds = (burstEnd - started) / 1000;
process.stderr.write(`burst delivered in ${burstSeconds.toFixed(1)} s; waiting for tracking…\n`);

// Looks only at orders not yet written back, so the count stays cheap for the simulators' process.
const written = () => {
  for (const id of waiting) if (storefront.fulfillmentsOf(id).length > 0) waiting.delete(id);
  return ORDERS - waiting.size;
};
const atCheckpoint = new Map<number, number>();
const backlogAt = new Map<number, Record<string, number>>();
const reached = new Map<number, number>();
const fractions = [0.5, 0.9, 1];
for (;;) {
  const elapsed = (Date.now() - burstEnd) / 1000;
  const count = written();
  for (const checkpoint of CHECKPOINTS_S) {
    if (atCheckpoint.has(checkpoint) || elapsed < checkpoint) continue;
    atCheckpoint.set(checkpoint, count);
    // Where the work waits: the jobs of each queue ready to run and not started.
    const backlog: Record<string, number> = {};
    for (const queue of ['apply-delivery', 'write-tracking', 'publish-stock'])
      backlog[queue] = await pendingJobs(queue).catch(() => Number.NaN);
    backlogAt.set(checkpoint, backlog);
  }
  for (const fraction of fractions)
    if (!reached.has(fraction) && count >= Math.ceil(ORDERS * fraction)) reached.set(fraction, elapsed);
  if (count >= ORDERS || elapsed >= TIMEOUT_S) break;
  await sleep(500);
}
clearInterval(sampler);

console.log(
  `\nTracking write-back after a ${ORDERS}-order burst (${burstSeconds.toFixed(1)} s), ${hubInfo.engine}, ship delay ${SHIP_DELAY_MS} ms (${process.version})`,
);
console.table(
  CHECKPOINTS_S.filter((checkpoint) => atCheckpoint.has(checkpoint)).map((checkpoint) => ({
    'seconds after the burst': checkpoint,
    'trackings written back': atCheckpoint.get(checkpoint),
    'waiting: apply-delivery': backlogAt.get(checkpoint)?.['apply-delivery'],
    'write-tracking': backlogAt.get(checkpoint)?.['write-tracking'],
    'publish-stock': backlogAt.get(checkpoint)?.['publish-stock'],
  })),
);
for (const fraction of fractions) {
  const seconds = reached.get(fraction);
  console.log(
    `${fraction * 100}% written back: ${seconds === undefined ? `not within ${TIMEOUT_S} s` : `${seconds.toFixed(1)} s after the burst`}`,
  );
}
console.log(`most publish-stock jobs waiting at once: ${peakPublishPending}`);
const finalCount = written();
console.log(`trackings written back in the end: ${finalCount} of ${ORDERS}`);

await storefront.close();
await threePl.close();
hubProcess.send('stop');
await once(hubProcess, 'exit');
if (finalCount < ORDERS) process.exitCode = 1;
