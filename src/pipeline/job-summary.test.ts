import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { startJobSummary } from './job-summary.ts';

function capture() {
  const lines: any[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: createLogger('info', sink), lines };
}

describe('the per-process jobs summary', () => {
  it('says at info level what this process did per queue and what waits, naming the process', async () => {
    const { log, lines } = capture();
    const summary = startJobSummary({
      log,
      intervalMs: 60_000,
      instanceId: 'hub-a',
      readPending: async () => [{ name: 'write-tracking', pending: 3, oldest_seconds: 41.6 }],
    });
    summary.recordDone('apply-delivery');
    summary.recordDone('apply-delivery');
    summary.recordFailed('apply-delivery');
    summary.recordDone('write-tracking');
    await summary.flush();
    summary.stop();

    expect(lines).toHaveLength(1);
    const line = lines[0];
    expect(line.level).toBe(30);
    expect(line.msg).toBe('jobs summary');
    expect(line.instance).toMatchObject({ id: 'hub-a', pid: process.pid });
    expect(typeof line.instance.hostname).toBe('string');
    expect(line.queues).toEqual({
      'apply-delivery': { done: 2, failed: 1, pending: 0, oldestPendingSeconds: 0 },
      'write-tracking': { done: 1, failed: 0, pending: 3, oldestPendingSeconds: 42 },
    });
  });

  it('starts each interval from zero, and still reports while the database is away', async () => {
    const { log, lines } = capture();
    let reachable = true;
    const summary = startJobSummary({
      log,
      intervalMs: 60_000,
      instanceId: 'hub-b',
      readPending: async () => {
        if (!reachable) throw new Error('Connection terminated unexpectedly');
        return [];
      },
    });
    summary.recordDone('reconcile');
    await summary.flush();
    reachable = false;
    summary.recordFailed('reconcile');
    await summary.flush();
    summary.stop();

    expect(lines.map((line) => line.queues)).toEqual([
      { reconcile: { done: 1, failed: 0, pending: 0, oldestPendingSeconds: 0 } },
      { reconcile: { done: 0, failed: 1, pending: 0, oldestPendingSeconds: 0 } },
    ]);
    expect(lines[1].pendingUnknown).toBe(true);
  });
});
