/**
 * `npm run bench` (full, under 15 minutes) and `npm run bench -- --quick` (under 3 minutes): every
 * figure of issue 11's targets next to its baseline from the same run, in one table. Servers, hubs
 * and the fakes run in their own processes; the HTTP load comes from this one (autocannon).
 *
 * Exits non-zero when an acknowledged delivery is missing (a 2xx without a stored row) or a 3PL order
 * is duplicated (two accepted creates for one reference); a missed performance target is a FAIL in
 * the table, not an error.
 *
 * Options: --quick; --only=ingest,e2e,burst,start (a subset, for development); --profile=<dir>
 * (writes V8 CPU profiles of the hub process during ingest and during the drain, per engine,
 * into <dir>; `npm run bench:profile -- <file>` summarises one).
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { stopAllChildren } from './lib/child-processes.ts';
import { ms, perSecond, printTable, type Row } from './lib/report.ts';
import { dropAllDatabases } from './lib/throwaway-database.ts';
import { measureBurst } from './scenarios/burst.ts';
import { measureEndToEnd } from './scenarios/end-to-end.ts';
import { measureBare, measureHubIngest, measureNaive } from './scenarios/ingest.ts';
import { measureStartAndMemory } from './scenarios/start-and-memory.ts';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    profile: { type: 'string' },
  },
});
const quick = flags.quick ?? false;
const only = new Set((flags.only ?? 'ingest,e2e,burst,start').split(','));
const plan = quick
  ? {
      ingest: { seconds: 5, connections: 64, drainSeconds: 10 },
      e2e: { rate: 200, seconds: 10, waitSeconds: 10 },
      burst: { orders: 3000, seconds: 6, drainSeconds: 15, connections: 64 },
      idleSeconds: 5,
    }
  : {
      ingest: { seconds: 15, connections: 64, drainSeconds: 30 },
      e2e: { rate: 200, seconds: 60, waitSeconds: 20 },
      burst: { orders: 50_000, seconds: 60, drainSeconds: 180, connections: 64 },
      idleSeconds: 15,
    };

const rows: Row[] = [];
const integrityErrors: string[] = [];
const notes: string[] = [];
const began = Date.now();

function checkIntegrity(where: string, acknowledged: number, stored: number, duplicated: number) {
  if (stored < acknowledged)
    integrityErrors.push(`${where}: ${acknowledged} deliveries acknowledged, only ${stored} stored`);
  if (duplicated > 0) integrityErrors.push(`${where}: ${duplicated} references created twice at the 3PL`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    printReport();
    stopAllChildren()
      .then(dropAllDatabases)
      .finally(() => process.exit(130));
  });

/** Each row as soon as it is measured, so an interrupted run still leaves its figures behind. */
function addRows(...added: Row[]) {
  rows.push(...added);
  for (const row of added)
    process.stderr.write(
      `  = ${row.area} | ${row.figure} | ${row.target} | ${row.baseline} | ${row.measured}\n`,
    );
}

let reported = false;
function printReport() {
  if (reported) return;
  reported = true;
  console.log(
    `\nIssue 11 benchmark (${quick ? 'quick' : 'full'}), ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ` +
      `${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}, load average ${loadavg()
        .map((n) => n.toFixed(1))
        .join(' ')}, ${((Date.now() - began) / 1000).toFixed(0)} s`,
  );
  printTable(rows);
  for (const note of notes) console.log(note);
  console.log(
    `${rows.filter((row) => row.pass).length} pass, ${rows.filter((row) => row.pass === false).length} fail, ` +
      `${rows.filter((r) => r.pass === null).length} reference/unmeasured`,
  );
  for (const error of integrityErrors) console.error(`INTEGRITY: ${error}`);
}

try {
  if (only.has('ingest')) {
    process.stderr.write('ingest and processing\n');
    const bare = await measureBare(plan.ingest);
    addRows({
      area: 'ingest',
      figure: 'bare Fastify 200-OK (ceiling)',
      target: 'reference',
      baseline: '',
      measured: `${perSecond(bare.rate)}, p50 ${ms(bare.p50)}, p99 ${ms(bare.p99)}`,
      pass: null,
    });
    for (const engine of ['postgres', 'pglite'] as const) {
      const naive = await measureNaive(engine, plan.ingest);
      checkIntegrity(`naive ${engine}`, naive.acknowledged, naive.stored, 0);
      const hub = await measureHubIngest(engine, {
        ...plan.ingest,
        profileDir: flags.profile,
      });
      checkIntegrity(`hub ingest ${engine}`, hub.acknowledged, hub.stored, hub.duplicatedReferences);
      const ratio = engine === 'postgres' ? 1.5 : 1.0;
      addRows(
        {
          area: 'ingest',
          figure: `naive single INSERT (${engine})`,
          target: 'reference',
          baseline: '',
          measured: `${perSecond(naive.rate)}, p50 ${ms(naive.p50)}, p99 ${ms(naive.p99)}`,
          pass: null,
        },
        {
          area: 'ingest',
          figure: `hub/naive rate (${engine}, 64 conn, workers on)`,
          target: `≥ ${ratio.toFixed(1)}`,
          baseline: `naive ${perSecond(naive.rate)}`,
          measured: `${(hub.rate / naive.rate).toFixed(2)} (hub ${perSecond(hub.rate)})`,
          pass: hub.rate / naive.rate >= ratio,
        },
        {
          area: 'ingest',
          figure: `hub/bare rate (${engine})`,
          target: '≥ 25 %',
          baseline: `bare ${perSecond(bare.rate)}`,
          measured: `${((hub.rate / bare.rate) * 100).toFixed(1)} %`,
          pass: hub.rate / bare.rate >= 0.25,
        },
        {
          area: 'ingest',
          figure: `hub p50 / p99 (${engine})`,
          target: 'p99 < 25 ms',
          baseline: `naive p99 ${ms(naive.p99)}`,
          measured: `${ms(hub.p50)} / ${ms(hub.p99)}`,
          pass: hub.p99 < 25,
        },
        {
          area: 'ingest',
          figure: `acknowledged ⊆ stored (${engine})`,
          target: 'every 2xx stored',
          baseline: `naive ${naive.acknowledged} ack / ${naive.stored} stored`,
          measured: `${hub.acknowledged} ack / ${hub.stored} stored, ${hub.non2xx} non-2xx, ${hub.errors} errors`,
          pass: hub.stored >= hub.acknowledged,
        },
        {
          area: 'processing',
          figure: `stored delivery → 3PL create (${engine})`,
          target: engine === 'postgres' ? '≥ 500/s' : '≥ 150/s',
          baseline: '',
          measured: `${perSecond(hub.processingRate)} over ${hub.processingSeconds.toFixed(0)} s, ${hub.backlogLeft} left`,
          pass: hub.processingRate >= (engine === 'postgres' ? 500 : 150),
        },
      );
      for (const [phase, activity] of [
        ['ingest', hub.activityDuringIngest],
        ['drain', hub.activityDuringDrain],
      ] as const) {
        if (!activity) continue;
        notes.push(
          `pg_stat_activity during ${engine} ${phase}: ${activity.active.toFixed(1)} active, ` +
            `${activity.idleInTransaction.toFixed(1)} idle in transaction, ${Math.round(activity.commitsPerSecond)} commits/s; ` +
            `waits: ${activity.waits
              .slice(0, 5)
              .map(([wait, n]) => `${wait} ${n.toFixed(2)}`)
              .join(', ')}`,
        );
      }
    }
  }

  if (only.has('e2e')) {
    process.stderr.write('end to end and scale-out\n');
    const one = await measureEndToEnd({ ...plan.e2e, hubProcesses: 1 });
    const two = await measureEndToEnd({ ...plan.e2e, hubProcesses: 2 });
    for (const [where, run] of [
      ['e2e 1 process', one],
      ['e2e 2 processes', two],
    ] as const)
      checkIntegrity(where, 0, run.stored, run.duplicatedReferences);
    const leg = (name: string, summary: typeof one.intake) => [
      {
        area: 'end to end',
        figure: `${name} p50 (${plan.e2e.rate}/s × ${plan.e2e.seconds}s, pg)`,
        target: '< 150 ms',
        baseline: '',
        measured: `${ms(summary.p50)} (${summary.arrived}/${summary.count} arrived)`,
        pass: summary.p50 < 150,
      },
      {
        area: 'end to end',
        figure: `${name} p99`,
        target: '< 500 ms',
        baseline: '',
        measured: ms(summary.p99),
        pass: summary.p99 < 500,
      },
    ];
    addRows(
      ...leg('storefront webhook → 3PL create', one.intake),
      ...leg('3PL shipped → storefront tracking', one.tracking),
      {
        area: 'end to end',
        figure: 'storefront webhooks retried / undelivered',
        target: 'reference',
        baseline: '',
        measured: `${one.deliveries.retried} / ${one.deliveries.undelivered} of ${one.deliveries.webhooks} (fakes loop p99 ${ms(one.deliveries.loopDelayP99Ms)})`,
        pass: null,
      },
      {
        area: 'scale-out',
        figure: '3PL creates/s, 2 processes vs 1',
        target: 'printed',
        baseline: `1 process ${perSecond(one.createRate)}`,
        measured: `2 processes ${perSecond(two.createRate)} (${one.createRate > 0 ? `×${(two.createRate / one.createRate).toFixed(2)}` : 'no ratio: 1 process created none'})`,
        pass: null,
      },
      {
        area: 'scale-out',
        figure: 'both processes do work',
        target: 'each > 0 applied',
        baseline: '',
        measured: `apply-delivery jobs ${two.appliedPerProcess.join(' / ')}`,
        pass: two.appliedPerProcess.every((n) => n > 0),
      },
      {
        area: 'scale-out',
        figure: 'exactly once at the 3PL (2 processes)',
        target: '0 duplicated',
        baseline: `1 process: ${one.duplicatedReferences}`,
        measured: `${two.duplicatedReferences} duplicated, ${two.accepted} created of ${two.placed} placed (${two.createRequests} requests)`,
        pass: two.duplicatedReferences === 0,
      },
      ...leg('2 processes: webhook → 3PL create', two.intake).map((row) => ({ ...row, area: 'scale-out' })),
    );
  }

  if (only.has('burst')) {
    process.stderr.write('burst\n');
    const burst = await measureBurst(plan.burst);
    checkIntegrity('burst', burst.acknowledged, burst.stored, burst.duplicatedReferences);
    const area = `burst ${plan.burst.orders} in ${plan.burst.seconds}s`;
    addRows(
      {
        area,
        figure: `orders answered within ${plan.burst.seconds} s`,
        target: `${plan.burst.orders}`,
        baseline: '',
        measured: `${burst.acknowledged + burst.non2xx} (${perSecond(burst.rate)})`,
        pass: burst.acknowledged >= plan.burst.orders,
      },
      {
        area,
        figure: 'non-2xx answers / errors',
        target: '0',
        baseline: '',
        measured: `${burst.non2xx} / ${burst.errors}`,
        pass: burst.non2xx === 0 && burst.errors === 0,
      },
      {
        area,
        figure: 'lost / duplicated',
        target: '0 / 0',
        baseline: '',
        measured: `${Math.max(0, burst.acknowledged - burst.stored)} / ${burst.duplicatedReferences}`,
        pass: burst.stored >= burst.acknowledged && burst.duplicatedReferences === 0,
      },
      {
        area,
        figure: 'backlog drained after last send',
        target: quick ? '(3 min at full size)' : '< 180 s',
        baseline: '',
        measured:
          burst.drainedAfter === null
            ? `not within ${plan.burst.drainSeconds} s, ${burst.backlogLeft} left`
            : `${burst.drainedAfter.toFixed(0)} s`,
        pass: burst.drainedAfter !== null && burst.drainedAfter < 180,
      },
      {
        area,
        figure: 'ingest p99 while workers drain',
        target: '< 100 ms',
        baseline: '',
        measured: `p50 ${ms(burst.p50)}, p99 ${ms(burst.p99)}`,
        pass: burst.p99 < 100,
      },
      {
        area,
        figure: 'hub RSS, max',
        target: '< 512 MB',
        baseline: '',
        measured: `${Math.round(burst.maxRssMb)} MB`,
        pass: burst.maxRssMb < 512,
      },
    );
  }

  addRows({
    area: 'stock fan-out',
    figure: '10,000-SKU snapshot → Shopify / WooCommerce calls; repeat → 0 calls',
    target: 'fewest calls, < 2 min; 0',
    baseline: '',
    measured: 'not measured yet (needs Shopify and Woo fakes)',
    pass: null,
  });

  if (only.has('start')) {
    process.stderr.write('start and memory\n');
    const start = await measureStartAndMemory(plan.idleSeconds);
    addRows(
      {
        area: 'memory',
        figure: `idle RSS (npm start, after ${plan.idleSeconds} s)`,
        target: '< 150 MB',
        baseline: '',
        measured: `${Math.round(start.idleRssMb)} MB`,
        pass: start.idleRssMb < 150,
      },
      {
        area: 'start',
        figure: 'npm start → /healthz 200, warm folder',
        target: '< 5 s',
        baseline: `cold ${start.coldStartSeconds.toFixed(1)} s`,
        measured: `${start.warmStartSeconds.toFixed(1)} s`,
        pass: start.warmStartSeconds < 5,
      },
    );
  }
} catch (error) {
  // A scenario that fails (a child that stopped answering) still leaves the rows measured so far.
  console.error(error);
  integrityErrors.push(`the run stopped early: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await stopAllChildren();
  await dropAllDatabases();
}

printReport();
if (integrityErrors.length > 0) process.exitCode = 1;
