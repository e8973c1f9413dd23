import { type Kysely, sql } from 'kysely';

// A 3PL connection's warehouses (ShipBob fulfillment centres, the sandbox's locations). The key is
// the 3PL's own location key, the one every stock level already carries, so stock and locations
// join without a mapping. The address is nullable: a location first seen in a stock count has none
// until the connector lists it. Shipments get the location they were routed to (null: not routed
// to a particular one, as every shipment before this migration).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table locations (
      merchant_id uuid not null references merchants (id) on delete cascade,
      connection_id uuid not null references connections (id) on delete cascade,
      location text not null,
      name text,
      country_code text,
      region text,
      postal_code text,
      latitude double precision,
      longitude double precision,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (connection_id, location)
    )
  `.execute(db);
  await sql`create index locations_merchant on locations (merchant_id)`.execute(db);
  // Every location the hub already holds stock for, without an address until the 3PL lists it.
  await sql`
    insert into locations (merchant_id, connection_id, location)
    select distinct merchant_id, connection_id, location from stock_levels
  `.execute(db);
  await sql`alter table shipments add column location text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table shipments drop column location`.execute(db);
  await sql`drop table locations`.execute(db);
}
