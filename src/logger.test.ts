import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { REDACTED_PATHS } from './logger.ts';

describe('logs', () => {
  it('never carry credentials, signatures or customer contact data', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    log.info(
      {
        req: { headers: { authorization: 'Bearer secret-token', 'x-shopify-hmac-sha256': 'c2lnbmF0dXJl' } },
        connection: { credentials: { apiKey: 'k-123' } },
        order: { email: 'zoe@example.com', shippingAddress: { address1: '1 Rue' } },
      },
      'something happened',
    );
    const line = lines.join('');
    for (const secret of ['secret-token', 'c2lnbmF0dXJl', 'k-123', 'zoe@example.com', '1 Rue']) {
      expect(line).not.toContain(secret);
    }
    expect(line).toContain('something happened');
  });
});
