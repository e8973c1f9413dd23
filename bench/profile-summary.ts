/**
 * `npm run bench:profile -- <file.cpuprofile>`: where a `--cpu-prof` profile spends its time, as self
 * time per function and per module (a node_modules package, a src/ file, node internals), so the
 * baseline's costs can be written down with numbers. Idle time is shown, not counted in the shares.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
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

function moduleOf(url: string): string {
  if (!url) return '(native / vm)';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1]!;
  if (url.startsWith('node:')) return 'node internals';
  const inRepo = /\/(src|connectors|bench|test)\/(.+)$/.exec(url);
  return inRepo ? `${inRepo[1]}/${inRepo[2]}` : url;
}

const selfByFunction = new Map<string, number>();
const selfByModule = new Map<string, number>();
let idle = 0;
let total = 0;
profile.samples.forEach((id, index) => {
  const micros = profile.timeDeltas[index] ?? 0;
  const frame = byId.get(id)?.callFrame;
  if (!frame) return;
  if (frame.functionName === '(idle)') {
    idle += micros;
    return;
  }
  total += micros;
  const name = `${frame.functionName || '(anonymous)'} ${moduleOf(frame.url)}:${frame.lineNumber + 1}`;
  selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + micros);
  const module = frame.url ? moduleOf(frame.url) : frame.functionName;
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
