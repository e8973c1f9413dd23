/**
 * A burst of distinct orders to one hub on PostgreSQL (workers on): `orders` offered within
 * `seconds` by autocannon at that overall rate (what the hub answers in that time is what was sent), then the backlog watched for `drainSeconds`. The hub's RSS is
 * sampled every second throughout.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { rssMb } from '../lib/child-processes.ts';
import { startHubStack } from '../lib/hub-stack.ts';
import { type LoadResult, runLoad } from '../lib/load.ts';
import { signedOrderRequests } from '../lib/signed-orders.ts';

export interface BurstPlan {
  orders: number;
  seconds: number;
  drainSeconds: number;
  connections: number;
}

export interface Burst extends LoadResult {
  stored: number;
  /** Seconds from the last answer to the last 3PL create; null when not drained within the wait. */
  drainedAfter: number | null;
  backlogLeft: number;
  duplicatedReferences: number;
  maxRssMb: number;
}

export async function measureBurst(plan: BurstPlan): Promise<Burst> {
  const stack = await startHubStack({ engine: 'postgres' });
  const pid = stack.hubs[0]!.info.pid;
  let maxRssMb = 0;
  const sampler = setInterval(() => {
    rssMb(pid)
      .then((mb) => {
        maxRssMb = Math.max(maxRssMb, mb);
      })
      .catch(() => {});
  }, 1000);
  try {
    const load = await runLoad(`burst of ${plan.orders} orders in ${plan.seconds}s`, {
      url: stack.storefrontWebhookUrl,
      method: 'POST',
      requests: signedOrderRequests(stack.storefrontWebhookSecret, '91'),
      // Offered at the burst's rate for the burst's time, not "until all are sent": a hub slower than
      // the burst answers fewer, and the run stays bounded (the sent count is in the table).
      duration: plan.seconds,
      overallRate: Math.ceil(plan.orders / plan.seconds),
      connections: plan.connections,
    });
    const stored = await stack.storedDeliveries();
    process.stderr.write(`  burst: watching the backlog for up to ${plan.drainSeconds}s…\n`);
    const sent = Date.now();
    let stats = await stack.fakesStats();
    while (stats.accepted < stored && Date.now() - sent < plan.drainSeconds * 1000) {
      await sleep(500);
      stats = await stack.fakesStats();
    }
    return {
      ...load,
      stored,
      drainedAfter: stats.accepted >= stored ? (Date.now() - sent) / 1000 : null,
      backlogLeft: Math.max(0, stored - stats.accepted),
      duplicatedReferences: stats.duplicatedReferences,
      maxRssMb,
    };
  } finally {
    clearInterval(sampler);
    await stack.close();
  }
}
