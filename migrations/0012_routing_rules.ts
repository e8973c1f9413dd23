import { type Kysely, sql } from 'kysely';

const statements = [
  // A merchant's routing rules, one row per version. Rows are never updated: a change is a new
  // version, so an order's decision can always name the exact rules it was routed with. The live
  // version is the highest one.
  `create table routing_rule_sets (
    merchant_id uuid not null references merchants (id) on delete cascade,
    version integer not null check (version > 0),
    rules jsonb not null,
    created_at timestamptz not null default now(),
    -- who stored it: 'user:<id>', 'api_key' or 'operator_token'
    created_by text,
    primary key (merchant_id, version)
  )`,
  // Every routing decision the engine made for an order, with the rule set version it used
  // (null: no rule set, the default behaviour), kept for the order's audit trail.
  `create table routing_decisions (
    id uuid primary key default gen_random_uuid(),
    order_id uuid not null references orders (id) on delete cascade,
    merchant_id uuid not null references merchants (id) on delete cascade,
    rule_set_version integer,
    decision jsonb not null,
    created_at timestamptz not null default now()
  )`,
  `create index routing_decisions_order on routing_decisions (order_id, created_at)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table routing_decisions`.execute(db);
  await sql`drop table routing_rule_sets`.execute(db);
}
