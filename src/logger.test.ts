import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { RetryableError } from './sdk/errors.ts';

describe('logs', () => {
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
