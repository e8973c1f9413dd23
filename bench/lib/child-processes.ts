/**
 * The benchmark's own child processes (servers, hubs, fakes): started with IPC, asked questions,
 * stopped by their pid, and every one still running stopped when the run ends, however it ends.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';

const running = new Set<ChildProcess>();

export interface Child<T> {
  child: ChildProcess;
  info: T;
}

/** Forks `script` (relative to bench/) and resolves with the first message it sends (its address). */
export async function startChild<T>(
  script: string,
  env: Record<string, string> = {},
  execArgv: string[] = [],
): Promise<Child<T>> {
  const child = fork(new URL(`../${script}`, import.meta.url), {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Structured clone, not JSON: a latency that never arrived is Infinity, and must stay so.
    serialization: 'advanced',
    env: { ...process.env, ...env },
    execArgv: [...process.execArgv, ...execArgv],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const first = once(child, 'message');
  const early = once(child, 'exit').then(([code]) => {
    throw new Error(`${script} exited with ${code} before it was ready`);
  });
  const [info] = (await Promise.race([first, early])) as [T];
  return { child, info };
}

let sequence = 0;

/** Sends a request `{ id, type, ...body }` and resolves with the reply that carries the same id. */
export function ask<T>(
  child: ChildProcess,
  type: string,
  body: Record<string, unknown> = {},
  timeoutMs = 180_000,
): Promise<T> {
  sequence += 1;
  const id = sequence;
  return new Promise<T>((resolve, reject) => {
    // A child that stops answering (an overloaded fake) fails the scenario instead of hanging the run.
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      reject(new Error(`${type}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: unknown) => {
      const reply = message as { id?: number; error?: string; value?: T };
      if (reply?.id !== id) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (reply.error) reject(new Error(`${type}: ${reply.error}`));
      else resolve(reply.value as T);
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${type}: the child exited with ${code}`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send({ id, type, ...body });
  });
}

/** Asks the child to stop cleanly; kills it (by its pid) when it has not exited within `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.send({ id: 0, type: 'stop' });
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Stops every child still running (on an error or an interrupt). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child, 5_000).catch(() => child.kill('SIGKILL'))));
}

/** Answers the parent's `ask` requests in a child: `handlers[type](message)`; `stop` ends the process. */
export function serveParent(
  handlers: Record<string, (message: Record<string, unknown>) => unknown>,
  onStop: () => Promise<void>,
): void {
  process.on('message', async (raw) => {
    const message = raw as { id: number; type: string } & Record<string, unknown>;
    if (message.type === 'stop') {
      await onStop();
      process.exit(0);
    }
    const handler = handlers[message.type];
    try {
      if (!handler) throw new Error(`unknown request ${message.type}`);
      process.send?.({ id: message.id, value: await handler(message) });
    } catch (error) {
      process.send?.({ id: message.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
  // The parent going away (a crash, Ctrl-C) ends the child too: no orphaned servers.
  process.on('disconnect', () => {
    onStop().finally(() => process.exit(0));
  });
}

/** Resident set size of a process, in MB, from /proc (Linux). */
export async function rssMb(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}
