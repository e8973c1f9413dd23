/**
 * Ingest side by side: a bare Fastify 200-OK, the naive single-INSERT handler and the hub with its
 * workers on, each in its own process under the same autocannon load; for the hub, then, how fast its
 * workers turn the stored backlog into 3PL create calls (processing throughput).
 */
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ask, startChild, stopChild } from '../lib/child-processes.ts';
import { startHubStack } from '../lib/hub-stack.ts';
import { type LoadResult, runLoad } from '../lib/load.ts';
import { type ActivitySummary, sampleActivity } from '../lib/pg-activity.ts';
import { signedOrderRequests, TEMPLATE_BODY } from '../lib/signed-orders.ts';
import type { TracedStatement } from '../lib/sql-trace.ts';
import { createThrowawayDatabase, type Engine } from '../lib/throwaway-database.ts';

export interface IngestPlan {
  seconds: number;
  connections: number;
}

export async function measureBare(plan: IngestPlan): Promise<LoadResult> {
  const bare = await startChild<{ url: string }>('bare-server.ts');
  try {
    return await runLoad('bare Fastify', {
      url: `${bare.info.url}/webhook`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: TEMPLATE_BODY,
      duration: plan.seconds,
      connections: plan.connections,
    });
  } finally {
    await stopChild(bare.child);
  }
}

export interface StoredLoad extends LoadResult {
  stored: number;
}

export async function measureNaive(engine: Engine, plan: IngestPlan): Promise<StoredLoad> {
  const database = await createThrowawayDatabase(engine);
  const naive = await startChild<{ url: string; webhookSecret: string }>('naive-server.ts', {
    BENCH_DATA_DIR: database.dataDir,
    ...(database.databaseUrl ? { BENCH_DATABASE_URL: database.databaseUrl } : {}),
  });
  try {
    const load = await runLoad(`naive single INSERT (${engine})`, {
      url: naive.info.url,
      method: 'POST',
      requests: signedOrderRequests(naive.info.webhookSecret, `7${engine === 'postgres' ? 1 : 2}`),
      duration: plan.seconds,
      connections: plan.connections,
    });
    const { deliveries } = await ask<{ deliveries: number }>(naive.child, 'count');
    return { ...load, stored: deliveries };
  } finally {
    await stopChild(naive.child);
    await database.drop();
  }
}

export interface HubIngest extends StoredLoad {
  /** 3PL creates per second while the backlog drained after the load stopped. */
  processingRate: number;
  processingSeconds: number;
  backlogLeft: number;
  duplicatedReferences: number;
  activityDuringIngest: ActivitySummary | null;
  activityDuringDrain: ActivitySummary | null;
}

export async function measureHubIngest(
  engine: Engine,
  plan: IngestPlan & { drainSeconds: number; profileDir?: string },
): Promise<HubIngest> {
  // Profiled: the slow statements' plans go to the PostgreSQL server log (auto_explain).
  const stack = await startHubStack({ engine, autoExplainMs: plan.profileDir ? 25 : undefined });
  const hub = stack.hubs[0]!.child;
  const profile = async (phase: string) => {
    if (plan.profileDir) await ask(hub, 'profileStart');
    return async () => {
      if (!plan.profileDir) return;
      const { statements } = await ask<{ statements: TracedStatement[] }>(hub, 'profileStop', {
        path: `${plan.profileDir}/${engine}-${phase}.cpuprofile`,
      });
      writeFileSync(`${plan.profileDir}/${engine}-${phase}.sql.json`, JSON.stringify(statements, null, 2));
    };
  };
  try {
    const stopIngestProfile = await profile('ingest');
    const ingestActivity = stack.database.databaseUrl
      ? await sampleActivity(stack.database.databaseUrl)
      : null;
    const load = await runLoad(`hub ingest, workers on (${engine})`, {
      url: stack.storefrontWebhookUrl,
      method: 'POST',
      requests: signedOrderRequests(stack.storefrontWebhookSecret, `8${engine === 'postgres' ? 1 : 2}`),
      duration: plan.seconds,
      connections: plan.connections,
    });
    const activityDuringIngest = (await ingestActivity?.stop()) ?? null;
    await stopIngestProfile();
    const stored = await stack.storedDeliveries();

    process.stderr.write(`  processing: watching the 3PL for up to ${plan.drainSeconds}s…\n`);
    const stopDrainProfile = await profile('drain');
    const drainActivity = stack.database.databaseUrl
      ? await sampleActivity(stack.database.databaseUrl)
      : null;
    const from = (await stack.fakesStats()).accepted;
    const started = Date.now();
    let accepted = from;
    while (Date.now() - started < plan.drainSeconds * 1000 && accepted < stored) {
      await sleep(250);
      accepted = (await stack.fakesStats()).accepted;
    }
    const processingSeconds = (Date.now() - started) / 1000;
    const activityDuringDrain = (await drainActivity?.stop()) ?? null;
    await stopDrainProfile();
    const stats = await stack.fakesStats();
    return {
      ...load,
      stored,
      processingRate: (accepted - from) / processingSeconds,
      processingSeconds,
      backlogLeft: Math.max(0, stored - stats.accepted),
      duplicatedReferences: stats.duplicatedReferences,
      activityDuringIngest,
      activityDuringDrain,
    };
  } finally {
    await stack.close();
  }
}
