import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacMatchesAny, hmacSha256, signaturesEqual, verifyHmacSignature } from './signature.ts';

const body = Buffer.from('{"id":820982911946154508,"note":"a \\/ b"}');
const sign = (secret: string, encoding: 'hex' | 'base64') =>
  createHmac('sha256', secret).update(body).digest(encoding);

describe('hmacSha256 and signaturesEqual', () => {
  it('signs the raw bytes in hex or base64', () => {
    expect(hmacSha256('s3cret', body, 'hex')).toBe(sign('s3cret', 'hex'));
    expect(hmacSha256('s3cret', body, 'base64')).toBe(sign('s3cret', 'base64'));
  });

  it('compares equal texts as equal and anything else, any length, as unequal', () => {
    expect(signaturesEqual('abc', 'abc')).toBe(true);
    expect(signaturesEqual('abc', 'abd')).toBe(false);
    expect(signaturesEqual('abc', 'abcd')).toBe(false);
  });
});

describe('verifyHmacSignature', () => {
  const request = (headers: Record<string, string>) => ({ headers, rawBody: body });

  it('accepts a signature by any secret of a rotation, in the encoding asked for', () => {
    for (const encoding of ['hex', 'base64'] as const) {
      const options = { header: 'x-sig', secrets: ['new-secret', 'old-secret'], encoding };
      expect(verifyHmacSignature(request({ 'x-sig': sign('new-secret', encoding) }), options)).toEqual({
        ok: true,
      });
      expect(verifyHmacSignature(request({ 'x-sig': sign('old-secret', encoding) }), options)).toEqual({
        ok: true,
      });
    }
  });

  it('names each way it fails, and fails closed', () => {
    const options = { header: 'x-sig', secrets: ['new-secret'], encoding: 'base64' as const };
    expect(verifyHmacSignature(request({}), options)).toMatchObject({
      ok: false,
      reason: 'missing_signature',
    });
    expect(
      verifyHmacSignature(request({ 'x-sig': sign('new-secret', 'base64') }), {
        ...options,
        secrets: [null, ''],
      }),
    ).toMatchObject({ ok: false, reason: 'missing_secret' });
    expect(verifyHmacSignature(request({ 'x-sig': sign('other', 'base64') }), options)).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    // The same digest in the other encoding is not the signature.
    expect(verifyHmacSignature(request({ 'x-sig': sign('new-secret', 'hex') }), options)).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('reads the first header present of several names, trimmed', () => {
    const options = { header: ['x-a', 'x-b'], secrets: ['k'], encoding: 'hex' as const };
    expect(verifyHmacSignature(request({ 'x-b': ` ${sign('k', 'hex')} ` }), options)).toEqual({ ok: true });
  });

  it('hmacMatchesAny ignores blank secrets', () => {
    expect(hmacMatchesAny(body, sign('k', 'hex'), [undefined, '', 'k'], 'hex')).toBe(true);
    expect(hmacMatchesAny(body, sign('k', 'hex'), [undefined, ''], 'hex')).toBe(false);
  });
});
