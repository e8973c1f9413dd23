/**
 * `npm run bench:profile -- <file.cpuprofile>`: where a `--cpu-prof` profile spends its time, as self
 * time per function and per module (a node_modules package, a src/ file, node internals), so the
 * baseline's costs can be written down with numbers. Idle time is shown, not counted in the shares.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) throw new Error('usage: bench/profile-summary.ts <file.cpuprofile> [top]');
const top = Number(process.argv[3] ?? 15);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

/** A native frame (a socket write, a hash) is charged to its nearest caller outside Node's internals. */
function callerWithFile(id: number): ProfileNode | undefined {
  for (let current = parentOf.get(id); current !== undefined; current = parentOf.get(current)) {
    const node = byId.get(current);
    if (node?.callFrame.url && !node.callFrame.url.startsWith('node:')) return node;
  }
  return undefined;
}

const REPO_ROOT = new URL('..', import.meta.url).href;

function moduleOf(url: string): string {
  if (!url) return '(native / vm)';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1]!;
  if (url.startsWith('node:')) return 'node internals';
  return url.startsWith(REPO_ROOT) ? url.slice(REPO_ROOT.length) : url;
}

const selfByFunction = new Map<string, number>();
const selfByModule = new Map<string, number>();
let idle = 0;
let total = 0;
profile.samples.forEach((id, index) => {
  // The first delta runs from the profile's start time to the first sample, which includes the
  // Profiler.start round trip itself (up to seconds on a busy machine): not the program's time.
  if (index === 0) return;
  const micros = profile.timeDeltas[index] ?? 0;
  const frame = byId.get(id)?.callFrame;
  if (!frame) return;
  if (frame.functionName === '(idle)') {
    idle += micros;
    return;
  }
  total += micros;
  const caller = frame.url ? undefined : callerWithFile(id);
  const where = (f: ProfileNode['callFrame']) =>
    `${f.functionName || '(anonymous)'} ${moduleOf(f.url)}:${f.lineNumber + 1}`;
  const name = caller ? `${frame.functionName} ← ${where(caller.callFrame)}` : where(frame);
  selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + micros);
  const module = frame.url
    ? moduleOf(frame.url)
    : caller
      ? moduleOf(caller.callFrame.url)
      : frame.functionName;
  selfByModule.set(module, (selfByModule.get(module) ?? 0) + micros);
});

const rows = (map: Map<string, number>) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, micros]) => ({
      name,
      'self ms': Math.round(micros / 1000),
      share: `${((micros / total) * 100).toFixed(1)} %`,
    }));

console.log(`${file}: ${Math.round(total / 1000)} ms busy, ${Math.round(idle / 1000)} ms idle`);
console.log('By module (self time):');
console.table(rows(selfByModule));
console.log('By function (self time):');
console.table(rows(selfByFunction));
