import type { Kysely } from 'kysely';
import type { Database, UserRole } from '../db/types.ts';
import type { MerchantScope } from '../http/scope.ts';
import { hashPassword, UNUSABLE_HASH_PROMISE, verifyPassword } from './password.ts';

export interface User {
  id: string;
  email: string;
  role: UserRole;
  merchantId: string | null;
}

export interface NewUser {
  email: string;
  role: UserRole;
  merchantId?: string | null;
  password: string;
}

export class UserInputError extends Error {}

const EMAIL = /^[^\s@]+@[^\s@]+$/;
export const MIN_PASSWORD_LENGTH = 12;

const toUser = (row: { id: string; email: string; role: UserRole; merchant_id: string | null }): User => ({
  id: row.id,
  email: row.email,
  role: row.role,
  merchantId: row.merchant_id,
});

/** The scope a signed-in user's requests get. */
export function scopeOfUser(user: User): MerchantScope {
  if (user.role === 'operator') return { kind: 'operator' };
  if (!user.merchantId) throw new Error(`merchant member ${user.id} has no merchant`);
  return { kind: 'merchant', merchantId: user.merchantId };
}

export async function createUser(db: Kysely<Database>, input: NewUser): Promise<User> {
  const email = input.email.trim();
  if (!EMAIL.test(email) || email.length > 254) throw new UserInputError('not an email address');
  if (input.password.length < MIN_PASSWORD_LENGTH)
    throw new UserInputError(`a password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  const merchantId = input.merchantId ?? null;
  if ((input.role === 'operator') !== (merchantId === null))
    throw new UserInputError('a merchant member needs a merchant; an operator has none');
  const row = await db
    .insertInto('users')
    .values({
      email,
      role: input.role,
      merchant_id: merchantId,
      password_hash: await hashPassword(input.password),
    })
    .returning(['id', 'email', 'role', 'merchant_id'])
    .executeTakeFirstOrThrow();
  return toUser(row);
}

/** The user with this email and password, or null; an unknown email costs the same hashing time. */
export async function authenticate(
  db: Kysely<Database>,
  email: string,
  password: string,
): Promise<User | null> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'email', 'role', 'merchant_id', 'password_hash'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.trim().toLowerCase()))
    .executeTakeFirst();
  const ok = await verifyPassword(password, row?.password_hash ?? (await UNUSABLE_HASH_PROMISE));
  return row && ok ? toUser(row) : null;
}

export async function findUser(db: Kysely<Database>, id: string): Promise<User | null> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'email', 'role', 'merchant_id'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function countUsers(db: Kysely<Database>): Promise<number> {
  const { count } = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}

/** Signs a user out everywhere: every session of theirs is deleted. Returns how many there were. */
export async function revokeSessions(db: Kysely<Database>, userId: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
