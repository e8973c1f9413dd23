/**
 * The simulation's pure part on 10,000 generated orders: the candidate and the live rule set,
 * each consuming stock in placed order. Reading the orders from the database is not measured.
 *   npm run bench:routing            (BENCH_ORDERS=… to change the count)
 */
import os from 'node:os';
import { simulateRouting } from '../src/routing/simulate.ts';
import { validateRuleSet } from '../src/routing/validate-rule-set.ts';
import { benchLocations, benchOrders, CANDIDATE_RULES, LIVE_RULES } from './routing-fixtures.ts';

const count = Number(process.env.BENCH_ORDERS ?? 10_000);
for (const ruleSet of [LIVE_RULES, CANDIDATE_RULES]) {
  const checked = validateRuleSet(ruleSet.definition);
  if (!checked.ok)
    throw new Error(`bench rule set v${ruleSet.version} is invalid: ${JSON.stringify(checked.errors)}`);
}
const orders = benchOrders(count);
const locations = benchLocations();

// One warm-up run on a slice, so the figure is the steady state and not the JIT's first pass.
simulateRouting({ candidate: CANDIDATE_RULES, live: LIVE_RULES, orders: orders.slice(0, 500), locations });

// Wall time is the figure that counts; CPU time is printed beside it because this machine's two
// cores are shared, and a busy neighbour stretches the wall time of the same work.
const runs: { wall: number; cpu: number }[] = [];
let report = simulateRouting({ candidate: CANDIDATE_RULES, live: LIVE_RULES, orders, locations });
for (let run = 0; run < 3; run++) {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  report = simulateRouting({ candidate: CANDIDATE_RULES, live: LIVE_RULES, orders, locations });
  const cpu = process.cpuUsage(cpuBefore);
  runs.push({ wall: performance.now() - started, cpu: (cpu.user + cpu.system) / 1000 });
}
runs.sort((a, b) => a.wall - b.wall);
const median = (runs[1] as (typeof runs)[number]).wall;
const medianCpu = [...runs].sort((a, b) => a.cpu - b.cpu)[1]?.cpu ?? 0;

console.log(
  `routing simulation: ${count} orders × 2 rule sets, ${locations.length} locations, stock consumed in order`,
);
console.log(
  `  wall time: median ${(median / 1000).toFixed(2)} s of 3 runs (min ${(runs[0]!.wall / 1000).toFixed(2)} s, max ${(runs[2]!.wall / 1000).toFixed(2)} s); target < 5 s`,
);
console.log(
  `  CPU time: median ${(medianCpu / 1000).toFixed(2)} s; load average ${os.loadavg()[0]?.toFixed(1)} on ${os.availableParallelism()} cores`,
);
console.log(`  per order and rule set: ${((median * 1000) / (count * 2)).toFixed(1)} µs`);
for (const [name, summary] of [
  ['live', report.live],
  ['candidate', report.candidate],
] as const) {
  console.log(
    `  ${name}: outcomes ${JSON.stringify(summary.outcomes)}, splits ${summary.splitOrders}, holds ${JSON.stringify(summary.holdsByReason)}, unfillable orders ${summary.unfillableOrders}`,
  );
  console.log(`    by location ${JSON.stringify(summary.byLocation)}`);
}
console.log(`  orders whose routing would change: ${report.changed.length}`);
if (median > 5000) process.exitCode = 1;
