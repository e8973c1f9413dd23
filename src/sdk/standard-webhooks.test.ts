import { describe, expect, it } from 'vitest';
import { signStandardWebhook, verifyStandardWebhook } from './standard-webhooks.ts';

const secret = `whsec_${Buffer.from('a key of thirty-two bytes, exact').toString('base64')}`;
const rawBody = Buffer.from('{"order_id":1}');
const signed = (at = new Date(), key = secret) => ({
  headers: signStandardWebhook(key, { id: 'msg_1', timestamp: at, body: rawBody }),
  rawBody,
});

describe('Standard Webhooks verification', () => {
  it('accepts a delivery signed with any of the secrets (rotation)', () => {
    expect(verifyStandardWebhook(signed(), [secret])).toEqual({ ok: true });
    const old = `whsec_${Buffer.from('the key before the last rotation').toString('base64')}`;
    expect(verifyStandardWebhook(signed(new Date(), old), [secret, old])).toEqual({ ok: true });
  });

  it('names every way it fails, and fails closed', () => {
    expect(verifyStandardWebhook(signed(), [])).toMatchObject({ ok: false, reason: 'missing_secret' });
    expect(verifyStandardWebhook(signed(), [undefined, ''])).toMatchObject({
      ok: false,
      reason: 'missing_secret',
    });
    const { 'webhook-id': _, ...noId } = signed().headers;
    expect(verifyStandardWebhook({ headers: noId, rawBody }, [secret])).toMatchObject({
      reason: 'missing_signature',
    });
    expect(verifyStandardWebhook(signed(new Date(Date.now() - 301_000)), [secret])).toMatchObject({
      reason: 'stale_timestamp',
    });
    expect(
      verifyStandardWebhook({ ...signed(), rawBody: Buffer.from('{"order_id":2}') }, [secret]),
    ).toMatchObject({ reason: 'bad_signature' });
    expect(verifyStandardWebhook(signed(), ['not base64 at all!'])).toMatchObject({
      reason: 'bad_signature',
    });
  });
});
