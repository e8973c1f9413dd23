/**
 * `npm start` as a user runs it (PGlite in a fresh data folder, the sandbox on): started once to
 * make the folder (migrations), stopped, started again on the warm folder and timed from spawn to
 * the first /healthz 200; then its RSS after `idleSeconds` of idling.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../test/helpers/spawn-hub.ts';
import { rssMb } from '../lib/child-processes.ts';

const root = new URL('../..', import.meta.url).pathname;

async function startUntilHealthy(dataDir: string) {
  const port = await freePort();
  // The `npm start` command line, without npm in between (its own process would be measured too).
  const child = spawn('sh', ['scripts/node.sh', '--liftoff-only', '--max-semi-space-size=4', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const spawned = Date.now();
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`)
        .then((response) => response.ok)
        .catch(() => false);
      if (ok) break;
      // Generous: a first start on a machine this busy has taken 20 s and more.
      if (Date.now() - spawned > 180_000) throw new Error('npm start: no /healthz 200 within 180 s');
      await sleep(25);
    }
  } catch (error) {
    // Stopped before its data folder is removed under it.
    await stop(child);
    throw error;
  }
  return { child, seconds: (Date.now() - spawned) / 1000 };
}

async function stop(child: ReturnType<typeof spawn>) {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

export interface StartAndMemory {
  coldStartSeconds: number;
  warmStartSeconds: number;
  idleRssMb: number;
}

export async function measureStartAndMemory(idleSeconds: number): Promise<StartAndMemory> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hub-bench-start-'));
  try {
    process.stderr.write('  npm start: cold, then warm…\n');
    const cold = await startUntilHealthy(dataDir);
    await stop(cold.child);
    const warm = await startUntilHealthy(dataDir);
    try {
      await sleep(idleSeconds * 1000);
      const idleRssMb = await rssMb(warm.child.pid!);
      return { coldStartSeconds: cold.seconds, warmStartSeconds: warm.seconds, idleRssMb };
    } finally {
      await stop(warm.child);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
