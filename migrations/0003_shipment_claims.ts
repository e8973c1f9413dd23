import { type Kysely, sql } from 'kysely';

// A shipment is claimed by the job that is submitting or cancelling it, so no two jobs (in one hub
// or several) call the 3PL about it at once; a claim left by a dead process expires.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw('alter table shipments add column claimed_until timestamptz').execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('alter table shipments drop column claimed_until').execute(db);
}
