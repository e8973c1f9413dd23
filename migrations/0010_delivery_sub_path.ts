import { type Kysely, sql } from 'kysely';

// The route sub-path a platform called (WooCommerce's per-topic paths) had been kept in the
// delivery's headers under a made-up header name. It gets its own column; the made-up header is
// moved out of the stored headers, so headers are only what the sender sent.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table deliveries add column sub_path text`.execute(db);
  await sql`
    update deliveries
    set sub_path = headers ->> 'x-hub-sub-path', headers = headers - 'x-hub-sub-path'
    where headers ? 'x-hub-sub-path'
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    update deliveries
    set headers = headers || jsonb_build_object('x-hub-sub-path', sub_path)
    where sub_path is not null
  `.execute(db);
  await sql`alter table deliveries drop column sub_path`.execute(db);
}
