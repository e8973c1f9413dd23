import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.ts';

/**
 * Merchant-scoped API keys: `fhk_<prefix>_<secret>`, 256 random bits of secret. Only the SHA-256 of
 * the whole key is stored (a random 256-bit key needs no slow hash); the prefix finds the row.
 */
const KEY_PATTERN = /^fhk_([a-f0-9]{16})_([A-Za-z0-9_-]{43})$/;

export interface ApiKeyRow {
  id: string;
  merchant_id: string;
  name: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** True when the text has the shape of an API key (else the bearer is the operator token or nothing). */
export const looksLikeApiKey = (text: string) => KEY_PATTERN.test(text);

export async function createApiKey(
  db: Kysely<Database>,
  input: { merchantId: string; name: string; createdBy: string | null },
): Promise<{ key: string; row: ApiKeyRow }> {
  const prefix = randomBytes(8).toString('hex');
  const key = `fhk_${prefix}_${randomBytes(32).toString('base64url')}`;
  const row = await db
    .insertInto('api_keys')
    .values({
      merchant_id: input.merchantId,
      name: input.name,
      prefix,
      key_hash: sha256(key).toString('hex'),
      created_by: input.createdBy,
    })
    .returning(['id', 'merchant_id', 'name', 'prefix', 'created_at', 'last_used_at', 'revoked_at'])
    .executeTakeFirstOrThrow();
  return { key, row };
}

/** The merchant of a valid, unrevoked key, or null. */
export async function merchantOfApiKey(db: Kysely<Database>, key: string): Promise<string | null> {
  const match = KEY_PATTERN.exec(key);
  if (!match) return null;
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'merchant_id', 'key_hash', 'last_used_at'])
    .where('prefix', '=', match[1] as string)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  const expected = Buffer.from(row.key_hash, 'hex');
  const given = sha256(key);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  // Last use to the minute is enough for ops, and spares a write on every request.
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000)
    await db.updateTable('api_keys').set({ last_used_at: new Date() }).where('id', '=', row.id).execute();
  return row.merchant_id;
}

const COLUMNS = ['id', 'merchant_id', 'name', 'prefix', 'created_at', 'last_used_at', 'revoked_at'] as const;

/** A merchant's keys (revoked ones too, for the record), newest first; another merchant's: none. */
export async function listApiKeys(
  db: Kysely<Database>,
  merchantId: string | null,
  scopeMerchant: string | null,
): Promise<ApiKeyRow[]> {
  let query = db.selectFrom('api_keys').select(COLUMNS).orderBy('created_at', 'desc').limit(500);
  if (merchantId) query = query.where('merchant_id', '=', merchantId);
  if (scopeMerchant) query = query.where('merchant_id', '=', scopeMerchant);
  return query.execute();
}

/** Revokes a key of the scope's merchant (any, for the operator); null when no such key is visible. */
export async function revokeApiKey(
  db: Kysely<Database>,
  id: string,
  scopeMerchant: string | null,
): Promise<ApiKeyRow | null> {
  let query = db
    .updateTable('api_keys')
    .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(new Date())) }))
    .where('id', '=', id);
  if (scopeMerchant) query = query.where('merchant_id', '=', scopeMerchant);
  return (await query.returning(COLUMNS).executeTakeFirst()) ?? null;
}
