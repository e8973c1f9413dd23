import { type Kysely, sql } from 'kysely';

const statements = [
  // The packages a 3PL shipped one hub shipment in (ShipBob splits an order into shipments, from
  // several fulfillment centres), keyed by the 3PL's id within the shipment. Each is applied
  // forward-only on its own (`occurred_at` is the time of the last event applied to it) and written
  // back to the storefront as its own fulfillment: `tracking_written_number` is the tracking number
  // the storefront was told, `written_lines` the storefront lines it was written with (what the
  // next parcels no longer cover), `tracking_external_id` the storefront's id for it. A shipment
  // without rows here is written back as a whole, as before.
  `create table shipment_parcels (
    id uuid primary key default gen_random_uuid(),
    merchant_id uuid not null references merchants (id) on delete cascade,
    shipment_id uuid not null references shipments (id) on delete cascade,
    external_id text not null,
    status text not null,
    location text,
    carrier text,
    tracking_number text,
    tracking_url text,
    reason text,
    lines jsonb,
    occurred_at timestamptz not null,
    tracking_written_number text,
    tracking_external_id text,
    written_lines jsonb,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (shipment_id, external_id)
  )`,
  `create index shipment_parcels_merchant on shipment_parcels (merchant_id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table shipment_parcels`.execute(db);
}
