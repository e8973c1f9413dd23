import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { type RunningHub, startHub } from '../src/start-hub.ts';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.ts';
import { testEnv } from './helpers/test-hub.ts';

/** A raw connection to the hub, recording what it answers and when it closes the connection. */
async function openSocket(
  url: string,
): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname === 'localhost' ? '127.0.0.1' : hostname, port: Number(port) });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk;
  });
  socket.on('error', () => {}); // a reset by the server is one way of closing
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => received, closed };
}

/** Resolves when `closed` does; fails if the server still holds the connection after `ms`. */
async function closedWithin(closed: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the hub still held ${what} after ${ms} ms`)), ms);
  });
  try {
    await Promise.race([closed, late]);
  } finally {
    clearTimeout(timer);
  }
}

// Timeouts are made short so the test is quick; the bound it waits for is many times longer, and
// without timeouts a connection is never closed at all.
describe('slow and silent clients', () => {
  let database: TestDatabase;
  let hub: RunningHub;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
    hub = await startHub(
      loadConfig(
        testEnv(database, {
          HTTP_REQUEST_TIMEOUT_MS: '2000',
          HTTP_HEADERS_TIMEOUT_MS: '1000',
          HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000',
        }),
      ),
      { workers: false },
    );
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await hub?.stop();
    await database?.drop();
  });

  it('cuts off webhook bodies sent a byte at a time, then not at all', async () => {
    const clients = await Promise.all(Array.from({ length: 8 }, () => openSocket(hub.url)));
    const drips: NodeJS.Timeout[] = [];
    for (const [index, client] of clients.entries()) {
      sockets.push(client.socket);
      client.socket.write(
        `POST /webhooks/sandbox-storefront/${randomUUID()} HTTP/1.1\r\nhost: hub\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{`,
      );
      // Half keep dripping a byte now and then (each byte would reset an idle timer); half go silent.
      if (index % 2 === 0)
        drips.push(setInterval(() => client.socket.writable && client.socket.write(' '), 200));
    }
    try {
      await Promise.all(clients.map((client) => closedWithin(client.closed, 15_000, 'a slow body')));
    } finally {
      for (const drip of drips) clearInterval(drip);
    }
    for (const client of clients) expect(client.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('cuts off a client that never finishes its headers', async () => {
    const client = await openSocket(hub.url);
    sockets.push(client.socket);
    client.socket.write('POST /webhooks/sandbox-storefront/x HTTP/1.1\r\nhost: hub\r\nx-slow: ');
    await closedWithin(client.closed, 15_000, 'unfinished headers');
    expect(client.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes a kept-alive connection left idle', async () => {
    const client = await openSocket(hub.url);
    sockets.push(client.socket);
    client.socket.write('GET /healthz HTTP/1.1\r\nhost: hub\r\nconnection: keep-alive\r\n\r\n');
    await closedWithin(client.closed, 15_000, 'an idle kept-alive connection');
    expect(client.received()).toMatch(/^HTTP\/1\.1 200/);
    expect(client.received()).toMatch(/keep-alive: timeout=1\b/i);
  });
});
