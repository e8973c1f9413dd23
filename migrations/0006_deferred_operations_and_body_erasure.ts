import { type Kysely, sql } from 'kysely';

const statements = [
  // An outbound operation the remote keeps deferring ("come back later"), counted across every
  // job that attempts it, so the count survives reschedules and new jobs for the same thing. A
  // row lives while the operation is being deferred; success (or a person's retry) removes it.
  `create table deferred_operations (
    queue text not null,
    subject text not null,
    deferrals integer not null default 1,
    code text not null,
    reason text not null,
    first_deferred_at timestamptz not null default now(),
    last_deferred_at timestamptz not null default now(),
    stuck_at timestamptz,
    dead_lettered_at timestamptz,
    primary key (queue, subject)
  )`,
  // Why and when a delivery's body was dropped (retention or a privacy erasure); the rest is kept.
  `alter table deliveries add column body_erased_at timestamptz`,
  `alter table deliveries add column body_erased_reason text
     check (body_erased_reason in ('retention', 'customer_redact', 'account_redact'))`,
  // The retention job walks only the bodies still held, oldest first.
  `create index deliveries_body_held on deliveries (received_at) where body is not null`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('drop index deliveries_body_held').execute(db);
  await sql.raw('alter table deliveries drop column body_erased_reason').execute(db);
  await sql.raw('alter table deliveries drop column body_erased_at').execute(db);
  await sql.raw('drop table deferred_operations').execute(db);
}
