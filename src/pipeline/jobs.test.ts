import { once } from 'node:events';
import { createServer } from 'node:net';
import pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { RetryableError } from '../sdk/errors.ts';
import { runJob } from './jobs.ts';

describe('a job whose database connection is lost', () => {
  it('is retried, and its failure is recorded with a code instead of the driver text', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    server.close();
    await once(server, 'close');
    const pool = new pg.Pool({ host: '127.0.0.1', port });
    const recorded: { error: unknown; willRetry: boolean }[] = [];
    const job = { id: 'job-1', name: 'apply-delivery', data: { deliveryId: 'd-1' }, retryCount: 0 };
    const outcome = await runJob(
      {} as PgBoss,
      'apply-delivery',
      job as never,
      {
        run: async () => {
          await pool.query('select 1');
        },
        onFailure: async (_data, error, { willRetry }) => {
          recorded.push({ error, willRetry });
        },
      },
      pino({ level: 'silent' }),
      3,
      {
        // Not a deferral (no Retry-After): the ledger must not be asked to count it.
        ledger: {
          record: async () => {
            throw new Error('a lost connection is not a deferral');
          },
          markDeadLettered: async () => {},
          clear: async () => {},
        },
        maxDeferrals: 30,
      },
    ).catch((error) => error);
    await pool.end();

    // Thrown back to pg-boss, which retries it with backoff.
    expect(outcome).toBeInstanceOf(RetryableError);
    expect(recorded).toHaveLength(1);
    const { error, willRetry } = recorded[0]!;
    expect(willRetry).toBe(true);
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).code).toBe('database_unavailable');
    expect((error as RetryableError).message).not.toMatch(/ECONN/);
  });
});
