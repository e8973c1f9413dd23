/**
 * One scenario's processes: a throwaway database, the fakes, one or more hub processes on that
 * database, the merchant with a sandbox storefront and a default sandbox 3PL connected through the
 * admin API. `close()` stops them all and drops the database.
 */
import type { ChildProcess } from 'node:child_process';
import { ask, type Child, startChild, stopChild } from './child-processes.ts';
import { createThrowawayDatabase, type Engine, type ThrowawayDatabase } from './throwaway-database.ts';

export interface HubInfo {
  url: string;
  apiToken: string;
  engine: string;
  pid: number;
}

interface FakesInfo {
  storefrontUrl: string;
  threePlUrl: string;
  storefrontSecrets: { apiKey: string; webhookSecret: string };
  threePlSecrets: { apiKey: string; webhookSecret: string };
}

export interface LegSummary {
  count: number;
  arrived: number;
  p50: number;
  p99: number;
}

export interface FakesStats {
  accepted: number;
  createRequests: number;
  duplicatedReferences: number;
  placed: number;
  intake: LegSummary;
  tracking: LegSummary;
}

export interface DeliveryAttempts {
  webhooks: number;
  retried: number;
  undelivered: number;
  loopDelayP99Ms: number;
}

export interface HubStack {
  database: ThrowawayDatabase;
  hubs: Child<HubInfo>[];
  fakes: ChildProcess;
  storefrontWebhookUrl: string;
  storefrontWebhookSecret: string;
  fakesStats(): Promise<FakesStats>;
  /** The storefront fake's webhooks: how many needed a retry; and the fakes' event-loop delay. */
  deliveryAttempts(): Promise<DeliveryAttempts>;
  storedDeliveries(): Promise<number>;
  /** Jobs of a queue this hub process finished, from its own /metrics. */
  jobsDone(hub: HubInfo, queue: string): Promise<number>;
  close(): Promise<void>;
}

export interface StackOptions {
  engine: Engine;
  hubProcesses?: number;
  workers?: boolean;
  /** PostgreSQL: auto_explain statements slower than this (see throwaway-database.ts). */
  autoExplainMs?: number;
}

async function api<T>(hub: HubInfo, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${hub.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${hub.apiToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export async function startHubStack(options: StackOptions): Promise<HubStack> {
  const database = await createThrowawayDatabase(options.engine, { autoExplainMs: options.autoExplainMs });
  const started: ChildProcess[] = [];
  try {
    const fakes = await startChild<FakesInfo>('fakes.ts');
    started.push(fakes.child);
    const env = {
      BENCH_DATA_DIR: database.dataDir,
      BENCH_WORKERS: options.workers === false ? '0' : '1',
      ...(database.databaseUrl ? { BENCH_DATABASE_URL: database.databaseUrl } : {}),
    };
    // The first process applies the migrations; the others start on a migrated database.
    const hubs: Child<HubInfo>[] = [await startChild<HubInfo>('hub-server.ts', env)];
    started.push(hubs[0]!.child);
    for (let i = 1; i < (options.hubProcesses ?? 1); i++) {
      const hub = await startChild<HubInfo>('hub-server.ts', env);
      started.push(hub.child);
      hubs.push(hub);
    }
    const first = hubs[0]!.info;
    const merchant = await api<{ id: string }>(first, 'POST', '/api/merchants', { name: 'bench' });
    const storefront = await api<{ webhookUrl: string }>(first, 'POST', '/api/connections', {
      merchantId: merchant.id,
      connector: 'sandbox-storefront',
      externalAccount: 'bench-storefront',
      settings: { baseUrl: fakes.info.storefrontUrl },
      credentials: fakes.info.storefrontSecrets,
    });
    const threePl = await api<{ webhookUrl: string }>(first, 'POST', '/api/connections', {
      merchantId: merchant.id,
      connector: 'sandbox-3pl',
      externalAccount: 'bench-3pl',
      settings: { baseUrl: fakes.info.threePlUrl },
      credentials: fakes.info.threePlSecrets,
      defaultFulfillment: true,
    });
    await ask(fakes.child, 'connect', {
      storefrontWebhookUrl: storefront.webhookUrl,
      threePlWebhookUrl: threePl.webhookUrl,
    });
    return {
      database,
      hubs,
      fakes: fakes.child,
      storefrontWebhookUrl: storefront.webhookUrl,
      storefrontWebhookSecret: fakes.info.storefrontSecrets.webhookSecret,
      fakesStats: () => ask<FakesStats>(fakes.child, 'stats'),
      deliveryAttempts: () => ask<DeliveryAttempts>(fakes.child, 'deliveryAttempts'),
      storedDeliveries: async () => (await ask<{ deliveries: number }>(hubs[0]!.child, 'count')).deliveries,
      async jobsDone(hub, queue) {
        const text = await (await fetch(`${hub.url}/metrics`)).text();
        return text
          .split('\n')
          .filter(
            (line) => line.startsWith('hub_job_duration_seconds_count{') && line.includes(`queue="${queue}"`),
          )
          .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
      },
      async close() {
        // The fakes first: they abort the webhooks still being sent, so a hub stopping is not kept
        // busy by thousands of retried deliveries.
        for (const child of started) await stopChild(child);
        await database.drop();
      },
    };
  } catch (error) {
    for (const child of started) await stopChild(child).catch(() => child.kill('SIGKILL'));
    await database.drop();
    throw error;
  }
}
