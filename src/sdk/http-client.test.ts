import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetryableError } from './errors.ts';
import { createHttpClient } from './http-client.ts';

let server: Server;
let baseUrl: string;
const answers: Record<string, { status: number; body: string }> = {
  '/big-id': { status: 200, body: '{"id":820982911946154508,"small":42,"price":19.99}' },
  '/html': { status: 200, body: '<html>blocked</html>' },
  '/busy': { status: 503, body: '' },
};

beforeAll(async () => {
  server = createServer((request, response) => {
    const answer = answers[request.url ?? ''] ?? { status: 404, body: '{"error":"not found"}' };
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.close();
  await once(server, 'close');
});

describe('createHttpClient', () => {
  it('keeps an integer beyond 2^53 as its exact digits, and other numbers as numbers', async () => {
    const request = createHttpClient({ baseUrl });
    const response = await request<{ id: unknown; small: unknown; price: unknown }>({
      method: 'GET',
      path: '/big-id',
    });
    expect(response.body).toEqual({ id: '820982911946154508', small: 42, price: 19.99 });
  });

  it('turns a non-JSON answer and a 5xx into RetryableError', async () => {
    const request = createHttpClient({ baseUrl });
    await expect(request({ method: 'GET', path: '/html' })).rejects.toMatchObject({
      code: 'non_json_response',
    });
    await expect(request({ method: 'GET', path: '/busy' })).rejects.toBeInstanceOf(RetryableError);
  });

  it('returns a 4xx for the connector to interpret', async () => {
    const request = createHttpClient({ baseUrl });
    const response = await request({ method: 'GET', path: '/missing' });
    expect(response).toMatchObject({ status: 404, body: { error: 'not found' } });
  });
});
