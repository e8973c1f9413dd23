import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface HubProcess {
  child: ChildProcess;
  url: string;
  /** What the process wrote to stderr (an uncaught exception's stack lands here). */
  stderr(): string;
  /** What it wrote to stdout: its log lines. */
  stdout(): string;
  /** Exit code or signal once it has exited; null while it runs. */
  exited(): string | null;
}

/** Starts `test/helpers/hub-child.ts` in its own process and resolves once it listens. */
export async function spawnHub(env: Record<string, string>): Promise<HubProcess> {
  const child = spawn(process.execPath, ['test/helpers/hub-child.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
    process.stderr.write(chunk);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      // Its logs, when HUB_TEST_LOG_LEVEL asks for them.
      if (process.env.HUB_TEST_LOG_LEVEL) process.stdout.write(chunk);
      buffer += chunk;
      const line = buffer.split('\n').find((l) => l.startsWith('{"url"'));
      if (line) resolve(JSON.parse(line).url);
    });
    child.once('exit', (code) => reject(new Error(`hub exited early with ${code}: ${stderr}`)));
  });
  return {
    child,
    url,
    stderr: () => stderr,
    stdout: () => stdout,
    exited: () =>
      child.exitCode !== null
        ? `code ${child.exitCode}`
        : child.signalCode
          ? `signal ${child.signalCode}`
          : null,
  };
}
