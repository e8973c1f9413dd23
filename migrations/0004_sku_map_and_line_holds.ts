import { type Kysely, sql } from 'kysely';

const statements = [
  // The storefront's product and variant ids, so the SKU map can name a line that has no SKU.
  `alter table order_lines add column source_product_id text`,
  `alter table order_lines add column source_variant_id text`,
  // What routing decided for a line that is in no shipment: held (waiting to be identified, alone as
  // a pending part or with the whole order), skipped by the line policy, excluded by a person's
  // release, or "do not ship" by the SKU map. Null: routed normally, or not routed yet.
  `alter table order_lines add column disposition text
     check (disposition in ('held', 'skipped', 'excluded', 'do_not_ship'))`,
  `alter table order_lines add column disposition_detail jsonb`,
  // The re-route after a SKU map change or new stock looks for held lines only.
  `create index order_lines_held on order_lines (merchant_id, order_id) where disposition = 'held'`,
  `alter table merchants add column unidentified_line_policy text not null default 'hold'
     check (unidentified_line_policy in ('hold', 'ship_rest', 'skip'))`,
  `create table sku_map (
    id uuid primary key default gen_random_uuid(),
    merchant_id uuid not null references merchants (id) on delete cascade,
    kind text not null check (kind in ('sku', 'product', 'variant')),
    storefront_connection_id uuid references connections (id) on delete cascade,
    key text not null,
    action text not null check (action in ('map', 'do_not_ship')),
    fulfillment_sku text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check ((action = 'map') = (fulfillment_sku is not null)),
    check ((kind = 'sku') = (storefront_connection_id is null))
  )`,
  // One entry per key; a SKU's entry has no connection, and NULLS NOT DISTINCT keeps it unique too.
  `create unique index sku_map_key on sku_map (merchant_id, kind, storefront_connection_id, key)
     nulls not distinct`,
  `create index sku_map_created on sku_map (merchant_id, created_at desc, id desc)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('drop table sku_map').execute(db);
  await sql.raw('alter table merchants drop column unidentified_line_policy').execute(db);
  await sql.raw('drop index order_lines_held').execute(db);
  for (const column of ['disposition_detail', 'disposition', 'source_variant_id', 'source_product_id']) {
    await sql.raw(`alter table order_lines drop column ${column}`).execute(db);
  }
}
