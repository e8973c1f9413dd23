/**
 * Both end-to-end legs at a sustained rate, on PostgreSQL with one or more hub processes: the
 * storefront fake places orders at `rate` for `seconds` (each sends its webhook at once); the 3PL
 * fake accepts them and ships each a second later (its shipped webhook); measured in the fakes'
 * process: webhook sent → 3PL create received, and shipped webhook sent → storefront tracking call.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ask } from '../lib/child-processes.ts';
import { type DeliveryAttempts, type FakesStats, startHubStack } from '../lib/hub-stack.ts';

export interface EndToEndPlan {
  rate: number;
  seconds: number;
  /** How long after the last order is placed to wait for the rest to arrive. */
  waitSeconds: number;
  hubProcesses: number;
}

export interface EndToEnd extends FakesStats {
  /** 3PL creates per second, from the first order placed to the last create (or the end of the wait). */
  createRate: number;
  /** apply-delivery jobs each hub process finished. */
  appliedPerProcess: number[];
  stored: number;
  deliveries: DeliveryAttempts;
}

export async function measureEndToEnd(plan: EndToEndPlan): Promise<EndToEnd> {
  const stack = await startHubStack({ engine: 'postgres', hubProcesses: plan.hubProcesses });
  try {
    process.stderr.write(
      `  end to end: ${plan.rate} orders/s for ${plan.seconds}s, ${plan.hubProcesses} hub process(es)…\n`,
    );
    const started = Date.now();
    const placed = await ask<number>(stack.fakes, 'place', { rate: plan.rate, seconds: plan.seconds });
    const placedBy = Date.now();
    let stats = await stack.fakesStats();
    let lastCreateAt = Date.now();
    let lastAccepted = stats.accepted;
    while (Date.now() - placedBy < plan.waitSeconds * 1000) {
      if (stats.intake.arrived >= placed && stats.tracking.arrived >= placed) break;
      await sleep(250);
      stats = await stack.fakesStats();
      if (stats.accepted > lastAccepted) {
        lastAccepted = stats.accepted;
        lastCreateAt = Date.now();
      }
    }
    const appliedPerProcess = await Promise.all(
      stack.hubs.map((hub) => stack.jobsDone(hub.info, 'apply-delivery')),
    );
    return {
      ...stats,
      createRate: stats.accepted / ((lastCreateAt - started) / 1000),
      appliedPerProcess,
      stored: await stack.storedDeliveries(),
      deliveries: await stack.deliveryAttempts(),
    };
  } finally {
    await stack.close();
  }
}
