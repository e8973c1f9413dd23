import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, createProcessLogger, wantsReadableLogs } from './logger.ts';
import { RetryableError } from './sdk/errors.ts';

function collect() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { sink, text: () => lines.join('') };
}

describe('logs', () => {
  it('are readable for a person at a terminal in development, and JSON everywhere else', () => {
    expect(wantsReadableLogs('development', { isTTY: true })).toBe(true);
    expect(wantsReadableLogs('development', { isTTY: false })).toBe(false);
    expect(wantsReadableLogs('development', {})).toBe(false);
    expect(wantsReadableLogs('production', { isTTY: true })).toBe(false);
    expect(wantsReadableLogs('test', { isTTY: true })).toBe(false);
  });

  it('read as lines of text on a terminal, still without secrets', async () => {
    const readable = collect();
    const log = await createProcessLogger('info', true, readable.sink);
    log.info({ connection: { credentials: { apiKey: 'k-123' } }, queue: 'apply-delivery' }, 'jobs summary');
    await new Promise((resolve) => setImmediate(resolve));
    expect(readable.text()).toMatch(/INFO.*jobs summary/);
    expect(readable.text()).toContain('apply-delivery');
    expect(readable.text()).not.toContain('k-123');
    expect(() => JSON.parse(readable.text().split('\n')[0]!)).toThrow();

    const json = collect();
    (await createProcessLogger('info', false, json.sink)).info('jobs summary');
    expect(JSON.parse(json.text().split('\n')[0]!)).toMatchObject({ msg: 'jobs summary', level: 30 });
  });

  it('never carry credentials, signatures, customer contact data or remote response bodies', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger('info', sink);
    log.info(
      {
        req: { headers: { authorization: 'Bearer secret-token', 'x-shopify-hmac-sha256': 'c2lnbmF0dXJl' } },
        connection: { credentials: { apiKey: 'k-123' } },
        order: { email: 'zoe@example.com', shippingAddress: { address1: '1 Rue' } },
      },
      'something happened',
    );
    log.warn(
      {
        err: new RetryableError('remote_unavailable', 'POST /v1/orders answered 503', {
          status: 503,
          body: '{"ship_to":"Zoë, 2 Rue"}',
        }),
      },
      'submit failed',
    );
    const text = lines.join('');
    for (const secret of ['secret-token', 'c2lnbmF0dXJl', 'k-123', 'zoe@example.com', '1 Rue', '2 Rue']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('something happened');
    expect(text).toContain('remote_unavailable');
    expect(text).toContain('503');
  });
});
