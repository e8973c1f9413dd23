import { once } from 'node:events';
import { createServer } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './database-errors.ts';

async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

function serverError(code: string, message: string) {
  const error = new pg.DatabaseError(message, 0, 'error');
  error.code = code;
  error.severity = 'FATAL';
  return error;
}

describe('a database failure that passes', () => {
  it('is recognised when the server cannot be reached', async () => {
    const port = await closedPort();
    const refused = await new pg.Client({ host: '127.0.0.1', port }).connect().catch((error) => error);
    expect(refused).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(refused)).toBe(true);
    const pool = new pg.Pool({ host: '127.0.0.1', port });
    const fromPool = await pool.query('select 1').catch((error) => error);
    await pool.end();
    expect(isDatabaseUnavailable(fromPool)).toBe(true);
  });

  it('is recognised when the server ends the session or refuses new ones', () => {
    expect(
      isDatabaseUnavailable(serverError('57P01', 'terminating connection due to administrator command')),
    ).toBe(true);
    expect(isDatabaseUnavailable(serverError('57P03', 'the database system is starting up'))).toBe(true);
    expect(isDatabaseUnavailable(serverError('08006', 'connection failure'))).toBe(true);
    expect(isDatabaseUnavailable(serverError('53300', 'sorry, too many clients already'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });

  it('is not confused with a bad query or with a remote API that cannot be reached', async () => {
    expect(isDatabaseUnavailable(serverError('22003', 'value out of range for type integer'))).toBe(false);
    expect(
      isDatabaseUnavailable(serverError('23505', 'duplicate key value violates unique constraint')),
    ).toBe(false);
    const port = await closedPort();
    const fetchFailure = await fetch(`http://127.0.0.1:${port}/`).catch((error) => error);
    expect(isDatabaseUnavailable(fetchFailure)).toBe(false);
    // An HTTP client's error that copies the socket's code, as axios does.
    expect(isDatabaseUnavailable(Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' }))).toBe(
      false,
    );
    expect(isDatabaseUnavailable('Connection terminated')).toBe(false);
  });
});
