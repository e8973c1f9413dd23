import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing with scrypt (memory-hard, in Node's crypto). The stored form carries its
 * parameters, `scrypt$<log2 N>$<r>$<p>$<salt>$<hash>` (base64url), so they can be raised later and
 * old hashes still verify.
 */
const LOG2_N = 15; // N = 32768, r = 8: 32 MiB per hash.
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
// Highest N a stored hash may ask for, so a tampered row cannot make a sign-in allocate gigabytes.
const MAX_LOG2_N = 20;

function derive(password: string, salt: Buffer, log2N: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** log2N;
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, LOG2_N, R, P);
  return ['scrypt', LOG2_N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when the password matches the stored hash; a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, log2N, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const params = [Number(log2N), Number(r), Number(p)] as const;
  if (!params.every(Number.isInteger) || params[0] < 10 || params[0] > MAX_LOG2_N) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), ...params);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A random password for a generated account (printed once, never stored in clear). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/** A hash of a random password, compared against when an email is unknown, so timing does not tell. */
export const UNUSABLE_HASH_PROMISE: Promise<string> = hashPassword(generatePassword());
