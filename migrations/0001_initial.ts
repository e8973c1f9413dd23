import { type Kysely, sql } from 'kysely';

// Plain SQL, one statement each: it reads as the schema it creates, and PGlite's extended
// protocol takes one statement per query.
const statements = [
  `create table merchants (
    id uuid primary key default gen_random_uuid(),
    name text not null,
    default_fulfillment_connection_id uuid,
    created_at timestamptz not null default now()
  )`,
  `create table connections (
    id uuid primary key default gen_random_uuid(),
    merchant_id uuid not null references merchants (id) on delete cascade,
    connector text not null,
    role text not null check (role in ('storefront', 'fulfillment')),
    external_account text not null,
    settings jsonb not null default '{}',
    credentials_encrypted text not null,
    status text not null default 'active' check (status in ('active', 'disabled', 'uninstalled')),
    poll_cursor text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (connector, external_account)
  )`,
  `create index connections_merchant on connections (merchant_id)`,
  `alter table merchants add constraint merchants_default_fulfillment_fk
     foreign key (default_fulfillment_connection_id) references connections (id) on delete set null`,
  `create table deliveries (
    id uuid primary key default gen_random_uuid(),
    merchant_id uuid references merchants (id) on delete cascade,
    connection_id uuid references connections (id) on delete cascade,
    connector text not null,
    source text not null default 'webhook' check (source in ('webhook', 'poll')),
    topic text,
    dedupe_key text,
    serial_key text,
    duplicate_of uuid references deliveries (id) on delete cascade,
    headers jsonb not null default '{}',
    body bytea,
    body_size integer not null,
    status text not null,
    http_status integer not null,
    reject_reason text,
    attempts integer not null default 0,
    last_error text,
    received_at timestamptz not null default now(),
    processed_at timestamptz
  )`,
  // The dedupe key is processed once per connection; later copies are recorded as duplicates.
  `create unique index deliveries_dedupe on deliveries (connection_id, dedupe_key)
     where duplicate_of is null and dedupe_key is not null`,
  `create index deliveries_received on deliveries (received_at desc, id desc)`,
  `create index deliveries_merchant_status on deliveries (merchant_id, status, received_at desc)`,
  `create table orders (
    id uuid primary key default gen_random_uuid(),
    merchant_id uuid not null references merchants (id) on delete cascade,
    storefront_connection_id uuid not null references connections (id) on delete cascade,
    source_order_id text not null,
    source_order_name text not null,
    source_updated_at timestamptz not null,
    status text not null,
    status_reason text,
    status_detail jsonb,
    ready_to_fulfill boolean not null,
    cancelled boolean not null default false,
    currency text not null,
    total_minor bigint not null,
    email text,
    shipping_address jsonb,
    shipping_method text,
    tags jsonb not null default '[]',
    note text,
    test boolean not null default false,
    placed_at timestamptz not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (storefront_connection_id, source_order_id)
  )`,
  `create index orders_merchant_status on orders (merchant_id, status, updated_at desc)`,
  `create index orders_created on orders (created_at desc, id desc)`,
  `create table order_lines (
    id uuid primary key default gen_random_uuid(),
    order_id uuid not null references orders (id) on delete cascade,
    merchant_id uuid not null references merchants (id) on delete cascade,
    source_line_id text not null,
    sku text,
    name text not null,
    quantity integer not null check (quantity >= 0),
    unit_price_minor bigint not null,
    requires_shipping boolean not null,
    unique (order_id, source_line_id)
  )`,
  `create table shipments (
    id uuid primary key default gen_random_uuid(),
    merchant_id uuid not null references merchants (id) on delete cascade,
    order_id uuid not null references orders (id) on delete cascade,
    fulfillment_connection_id uuid not null references connections (id) on delete cascade,
    status text not null,
    status_reason text,
    external_id text,
    data jsonb not null default '{}',
    carrier text,
    tracking_number text,
    tracking_url text,
    shipped_at timestamptz,
    last_event_at timestamptz,
    tracking_written_number text,
    tracking_external_id text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create index shipments_order on shipments (order_id)`,
  `create table shipment_lines (
    shipment_id uuid not null references shipments (id) on delete cascade,
    order_line_id uuid not null references order_lines (id) on delete cascade,
    merchant_id uuid not null references merchants (id) on delete cascade,
    sku text not null,
    quantity integer not null check (quantity > 0),
    primary key (shipment_id, order_line_id)
  )`,
  `create table external_ids (
    merchant_id uuid not null references merchants (id) on delete cascade,
    connection_id uuid not null references connections (id) on delete cascade,
    entity text not null,
    external_id text not null,
    hub_id uuid not null,
    created_at timestamptz not null default now(),
    primary key (connection_id, entity, external_id),
    unique (connection_id, entity, hub_id)
  )`,
  `create table stock_levels (
    merchant_id uuid not null references merchants (id) on delete cascade,
    connection_id uuid not null references connections (id) on delete cascade,
    location text not null,
    sku text not null,
    available integer not null,
    as_of timestamptz not null,
    updated_at timestamptz not null default now(),
    primary key (connection_id, location, sku)
  )`,
  `create table stock_publications (
    merchant_id uuid not null references merchants (id) on delete cascade,
    connection_id uuid not null references connections (id) on delete cascade,
    sku text not null,
    available integer not null,
    published_at timestamptz not null default now(),
    primary key (connection_id, sku)
  )`,
  `create table order_events (
    id bigint generated always as identity primary key,
    merchant_id uuid not null references merchants (id) on delete cascade,
    order_id uuid not null references orders (id) on delete cascade,
    type text not null,
    detail jsonb not null default '{}',
    created_at timestamptz not null default now()
  )`,
  `create index order_events_order on order_events (order_id, id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'order_events',
    'stock_publications',
    'stock_levels',
    'external_ids',
    'shipment_lines',
    'shipments',
    'order_lines',
    'orders',
    'deliveries',
  ]) {
    await sql.raw(`drop table ${table}`).execute(db);
  }
  await sql.raw('alter table merchants drop constraint merchants_default_fulfillment_fk').execute(db);
  await sql.raw('drop table connections').execute(db);
  await sql.raw('drop table merchants').execute(db);
}
