import { type Kysely, sql } from 'kysely';

const statements = [
  // Connector-owned facts about a connection: webhook ids, location ids, caches.
  `alter table connections add column state jsonb not null default '{}'`,
  // Opaque per-order data a storefront connector hands back later (Shopify fulfillment order ids).
  `alter table orders add column source_data jsonb not null default '{}'`,
  // What the hub last told the storefront about taking the order (fulfillment-service mode).
  `alter table orders add column routing_answer text`,
  `alter table orders add column cancellation_requested boolean not null default false`,
  `create index orders_email on orders (storefront_connection_id, email)`,
  `create table install_nonces (
    nonce text primary key,
    connector text not null,
    data jsonb not null default '{}',
    expires_at timestamptz not null,
    created_at timestamptz not null default now()
  )`,
  `create table privacy_requests (
    id uuid primary key default gen_random_uuid(),
    merchant_id uuid not null references merchants (id) on delete cascade,
    connection_id uuid references connections (id) on delete set null,
    kind text not null check (kind in ('customer.redact', 'customer.data_request', 'account.redact')),
    request_id text,
    subject jsonb not null default '{}',
    result jsonb not null default '{}',
    created_at timestamptz not null default now()
  )`,
  `create index privacy_requests_merchant on privacy_requests (merchant_id, created_at desc)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('drop table privacy_requests').execute(db);
  await sql.raw('drop table install_nonces').execute(db);
  await sql.raw('drop index orders_email').execute(db);
  await sql.raw('alter table orders drop column cancellation_requested').execute(db);
  await sql.raw('alter table orders drop column routing_answer').execute(db);
  await sql.raw('alter table orders drop column source_data').execute(db);
  await sql.raw('alter table connections drop column state').execute(db);
}
