/**
 * The far side, in its own process: the sandbox storefront (which also places the end-to-end orders,
 * so "webhook sent" and "3PL create received" are read on one clock) and the sandbox 3PL (which ships
 * each order placed here BENCH_SHIP_DELAY_MS after accepting it). It counts what the benchmark checks:
 * accepted creates per reference (a duplicated 3PL order), create requests, and both legs' latency.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createStorefrontSimulator, createThreePlSimulator, DEFAULT_CATALOG } from '../sandbox/index.ts';
import { serveParent } from './lib/child-processes.ts';
import { percentile } from './lib/percentiles.ts';

const SHIP_DELAY_MS = Number(process.env.BENCH_SHIP_DELAY_MS ?? 1000);
const storefrontSecrets = { apiKey: 'bench-storefront-key', webhookSecret: 'bench-storefront-secret' };
const threePlSecrets = { apiKey: 'bench-3pl-key', webhookSecret: 'bench-3pl-secret' };

/** Placed here: when its webhook was sent, when its 3PL create arrived, shipped, tracking arrived. */
interface Timing {
  storefrontId: string;
  placedAt: number;
  createdAt?: number;
  shippedAt?: number;
  trackedAt?: number;
}

// When this process is late, so are its timestamps: its own event-loop delay says whether the fakes,
// not the hub, were the bottleneck.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

const byName = new Map<string, Timing>();
const acceptedPerReference = new Map<string, number>();
const awaitingTracking = new Set<Timing>();
let accepted = 0;

const storefront = createStorefrontSimulator({
  ...storefrontSecrets,
  webhookRetries: 8,
  webhookRetryDelayMs: 500,
});
const threePl = createThreePlSimulator({
  ...threePlSecrets,
  // Plenty of every catalog SKU; only orders placed here are shipped (by the timer below), so the
  // ingest scenarios' orders, which the storefront does not know, get no tracking to write back.
  stock: Object.fromEntries(DEFAULT_CATALOG.map((item) => [item.sku, 1_000_000_000])),
  shipDelayMs: 0,
  webhookRetries: 8,
  webhookRetryDelayMs: 500,
  beforeCreateResponse: (order) => {
    accepted += 1;
    acceptedPerReference.set(order.reference, (acceptedPerReference.get(order.reference) ?? 0) + 1);
    const timing = byName.get(order.order_number);
    if (!timing || timing.createdAt !== undefined) return;
    timing.createdAt = Date.now();
    setTimeout(() => {
      threePl.shipNow(order.id);
      timing.shippedAt = Date.now();
      awaitingTracking.add(timing);
    }, SHIP_DELAY_MS).unref();
  },
});
const storefrontUrl = await storefront.listen(0);
const threePlUrl = await threePl.listen(0);

// The storefront records a fulfillment with its own timestamp; looking every 100 ms is only how often
// it is read, not the resolution of the figure.
const watcher = setInterval(() => {
  for (const timing of awaitingTracking) {
    const fulfillment = storefront.fulfillmentsOf(timing.storefrontId)[0];
    if (!fulfillment) continue;
    timing.trackedAt = Date.parse(fulfillment.created_at);
    awaitingTracking.delete(timing);
  }
}, 100);

async function placeOrders(rate: number, seconds: number): Promise<number> {
  const started = Date.now();
  let placed = 0;
  const total = Math.round(rate * seconds);
  while (placed < total) {
    const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * rate) + 1);
    for (; placed < due; placed++) {
      const order = storefront.placeOrder();
      byName.set(order.name, { storefrontId: order.id, placedAt: Date.now() });
    }
    await sleep(5);
  }
  return placed;
}

function legSummary(values: (number | undefined)[]) {
  const samples = values.map((value) => value ?? Number.POSITIVE_INFINITY);
  return {
    count: samples.length,
    arrived: values.filter((value) => value !== undefined).length,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
  };
}

serveParent(
  {
    connect: (message) => {
      storefront.setWebhookUrl(String(message.storefrontWebhookUrl));
      threePl.setWebhookUrl(String(message.threePlWebhookUrl));
      return {};
    },
    place: (message) => placeOrders(Number(message.rate), Number(message.seconds)),
    /** Once, at the end: reading every recorded event is too costly to poll. */
    deliveryAttempts: () => {
      const attempts = storefront.events().map((event) => event.attempts);
      return {
        webhooks: attempts.length,
        retried: attempts.filter((list) => list.length > 1).length,
        undelivered: storefront.events().filter((event) => event.outcome !== 'delivered').length,
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      };
    },
    stats: () => {
      const timings = [...byName.values()];
      const shipped = timings.filter((timing) => timing.shippedAt !== undefined);
      return {
        accepted,
        createRequests: threePl.createAttempts(),
        duplicatedReferences: [...acceptedPerReference.values()].filter((n) => n > 1).length,
        placed: timings.length,
        intake: legSummary(
          timings.map((t) => (t.createdAt === undefined ? undefined : t.createdAt - t.placedAt)),
        ),
        tracking: legSummary(
          shipped.map((t) => (t.trackedAt === undefined ? undefined : t.trackedAt - (t.shippedAt ?? 0))),
        ),
      };
    },
  },
  async () => {
    clearInterval(watcher);
    await storefront.close();
    await threePl.close();
  },
);
process.send?.({ storefrontUrl, threePlUrl, storefrontSecrets, threePlSecrets });
