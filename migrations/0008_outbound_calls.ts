import { type Kysely, sql } from 'kysely';

const statements = [
  // Every call the hub made to a storefront or 3PL API, written by the role's port
  // (src/pipeline/ports): what the dashboard shows per merchant and on an order's timeline.
  // No remote body and no customer data: the error is our code and message, cut short.
  // order_id and shipment_id carry no foreign key: they say what the call was about, and a row
  // must be writable (and kept) even when a redaction removes the order meanwhile.
  `create table outbound_calls (
    id uuid primary key default gen_random_uuid(),
    merchant_id uuid not null references merchants (id) on delete cascade,
    connection_id uuid not null references connections (id) on delete cascade,
    connector text not null,
    operation text not null,
    order_id uuid,
    shipment_id uuid,
    idempotency_key text,
    status text not null check (status in ('ok', 'retryable', 'needs_human', 'error')),
    http_status integer,
    duration_ms integer not null,
    error text,
    created_at timestamptz not null default now()
  )`,
  `create index outbound_calls_merchant_created on outbound_calls (merchant_id, created_at desc, id desc)`,
  `create index outbound_calls_order on outbound_calls (order_id, created_at) where order_id is not null`,
  // The retention job deletes by age across merchants.
  `create index outbound_calls_created on outbound_calls (created_at)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('drop table outbound_calls').execute(db);
}
