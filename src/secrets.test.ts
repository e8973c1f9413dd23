import { describe, expect, it } from 'vitest';
import { createSecretBox } from './secrets.ts';

describe('credentials at rest', () => {
  const box = createSecretBox(Buffer.alloc(32, 3).toString('base64'));

  it('round-trips and never stores the plaintext', () => {
    const sealed = box.seal('{"apiKey":"shhh"}');
    expect(sealed).not.toContain('shhh');
    expect(box.open(sealed)).toBe('{"apiKey":"shhh"}');
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('refuses a tampered value or another key', () => {
    const sealed = box.seal('secret');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => createSecretBox(Buffer.alloc(32, 4).toString('base64')).open(sealed)).toThrow();
  });
});
