import { type Kysely, sql } from 'kysely';

const statements = [
  // Every hold put on an order before it is sent: by a routing rule (rule_id) or by a person
  // (rule_id null). A hold is never deleted: releasing it stamps released_at, so the order's
  // audit says who held it, why, until when, and who let it go. A rule's hold that was released
  // (or ran out) is not applied again to the same order when it is routed afresh.
  `create table order_holds (
    id uuid primary key default gen_random_uuid(),
    merchant_id uuid not null references merchants (id) on delete cascade,
    order_id uuid not null references orders (id) on delete cascade,
    rule_id text,
    reason text not null,
    note text,
    -- 'order': nothing of the order is sent; 'lines': only line_ids wait
    scope text not null check (scope in ('order', 'lines')),
    line_ids jsonb not null default '[]',
    -- null: until someone releases it
    until timestamptz,
    created_by text not null,
    created_at timestamptz not null default now(),
    released_at timestamptz,
    -- 'timer', 'user:<id>', 'api_key', 'operator_token'
    released_by text,
    release_note text
  )`,
  `create index order_holds_order on order_holds (order_id, created_at)`,
  `create index order_holds_open on order_holds (merchant_id, until) where released_at is null`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table order_holds`.execute(db);
}
