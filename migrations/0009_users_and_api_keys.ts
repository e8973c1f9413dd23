import { type Kysely, sql } from 'kysely';

const statements = [
  // People who sign in to the dashboard. An operator sees every merchant; a merchant member sees
  // one, so the check ties the role to whether a merchant is named.
  `create table users (
    id uuid primary key default gen_random_uuid(),
    email text not null,
    role text not null check (role in ('operator', 'merchant_member')),
    merchant_id uuid references merchants (id) on delete cascade,
    -- scrypt$<log2 N>$<r>$<p>$<salt>$<hash>: the parameters travel with the hash so they can be raised.
    password_hash text not null,
    created_at timestamptz not null default now(),
    check ((role = 'operator') = (merchant_id is null))
  )`,
  `create unique index users_email on users (lower(email))`,
  // Server-side sessions (the cookie holds only a signed random id), so one can be revoked: signing
  // out deletes the row, revoking a user's sessions deletes all of theirs.
  `create table sessions (
    id text primary key,
    user_id uuid references users (id) on delete cascade,
    data jsonb not null,
    expires_at timestamptz not null
  )`,
  `create index sessions_user on sessions (user_id)`,
  `create index sessions_expires on sessions (expires_at)`,
  // Merchant-scoped keys for the admin API. Only a SHA-256 of the key is kept; the prefix is the
  // public part of the key, to find its row without scanning hashes.
  `create table api_keys (
    id uuid primary key default gen_random_uuid(),
    merchant_id uuid not null references merchants (id) on delete cascade,
    name text not null,
    prefix text not null unique,
    key_hash text not null,
    created_by uuid references users (id) on delete set null,
    created_at timestamptz not null default now(),
    last_used_at timestamptz,
    revoked_at timestamptz
  )`,
  `create index api_keys_merchant on api_keys (merchant_id, created_at desc)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('drop table api_keys').execute(db);
  await sql.raw('drop table sessions').execute(db);
  await sql.raw('drop table users').execute(db);
}
