import { createHmac, timingSafeEqual } from 'node:crypto';

export function hmacSha256(
  secret: string | Buffer,
  payload: Buffer | string,
  encoding: 'hex' | 'base64',
): string {
  return createHmac('sha256', secret).update(payload).digest(encoding);
}

/** Constant-time comparison of two signatures in their text form; unequal lengths are unequal. */
export function signaturesEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

/** The one header value of a name, whether the platform sent it once or several times. */
export function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | null {
  const value = headers[name.toLowerCase()];
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}
