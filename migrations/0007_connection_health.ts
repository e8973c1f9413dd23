import { type Kysely, sql } from 'kysely';

const statements = [
  // What ops see about a connection without reading logs: its last reconciliation (and what it
  // recovered), what the platform said about its webhooks and token, its last stock publication.
  // One row per connection, rewritten each time: the latest word, not a history.
  `create table connection_health (
    connection_id uuid primary key references connections (id) on delete cascade,
    merchant_id uuid not null references merchants (id) on delete cascade,
    -- Held while a reconciliation runs (the scheduled job or POST /reconcile), so two do not overlap.
    reconcile_claimed_until timestamptz,
    reconciled_at timestamptz,
    reconcile_trigger text check (reconcile_trigger in ('job', 'api')),
    reconcile_outcome text check (reconcile_outcome in ('completed', 'failed')),
    reconcile_ms integer,
    reconcile_polled integer,
    reconcile_recorded integer,
    reconcile_recovered jsonb not null default '{}',
    reconcile_error text,
    health_checked_at timestamptz,
    healthy boolean,
    repaired jsonb not null default '[]',
    platform_webhooks jsonb,
    -- {expiresAt, refreshExpiresAt} where the connector knows (Shopify's expiring tokens); null when not.
    platform_token jsonb,
    published_at timestamptz,
    publish_outcome text check (publish_outcome in ('published', 'partial', 'failed')),
    publish_skus integer,
    publish_failed integer,
    publish_error text
  )`,
  // SKUs a storefront refused in a stock publication, until one is published again.
  `create table stock_publication_failures (
    connection_id uuid not null references connections (id) on delete cascade,
    sku text not null,
    merchant_id uuid not null references merchants (id) on delete cascade,
    available integer not null,
    code text not null,
    message text not null,
    failed_at timestamptz not null default now(),
    primary key (connection_id, sku)
  )`,
  // A connection's newest delivery, for its health.
  `create index deliveries_connection_received on deliveries (connection_id, received_at desc)`,
  // Deliveries that failed, by connection and by the order or shipment they concern (serial key
  // `order:<id>` / `shipment:<id>`): counted on the connection, shown on the order and its filter.
  `create index deliveries_failed_serial on deliveries (connection_id, serial_key)
     where status in ('failed', 'dead')`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('drop index deliveries_failed_serial').execute(db);
  await sql.raw('drop index deliveries_connection_received').execute(db);
  await sql.raw('drop table stock_publication_failures').execute(db);
  await sql.raw('drop table connection_health').execute(db);
}
