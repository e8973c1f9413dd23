import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/types.ts';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * What a remote id names on our side: a 3PL's order for our shipment (`shipment`), a storefront's
 * fulfillment for our shipment's tracking (`fulfillment`).
 */
export type BoundEntity = 'shipment' | 'fulfillment';

export interface Binding {
  merchantId: string;
  connectionId: string;
  entity: BoundEntity;
  externalId: string;
  hubId: string;
}

/**
 * The one home of remote ids (OCA's Binder): every write to `external_ids` goes through here. A hub
 * id has at most one remote id per connection and entity; binding a new one replaces the stale one
 * (a tracking re-written under a new remote id, a 3PL that re-created its order). A remote id that
 * already names another hub id is not taken from it (that is a conflict for a person, see
 * `rebind`): returns false then, true when the hub id is now bound to this remote id.
 *
 * `shipments.external_id` is kept as a copy for the admin API's reads, written only here, so it
 * never disagrees with the binding.
 */
export async function bind(db: Db, binding: Binding): Promise<boolean> {
  const owner = await findByExternalId(db, binding);
  if (owner !== null && owner !== binding.hubId) return false;
  if (owner === null) {
    await db
      .deleteFrom('external_ids')
      .where('connection_id', '=', binding.connectionId)
      .where('entity', '=', binding.entity)
      .where('hub_id', '=', binding.hubId)
      .execute();
    await db
      .insertInto('external_ids')
      .values({
        merchant_id: binding.merchantId,
        connection_id: binding.connectionId,
        entity: binding.entity,
        external_id: binding.externalId,
        hub_id: binding.hubId,
      })
      // Two jobs binding the same pair at once: the second finds it done.
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  await mirror(db, binding);
  return true;
}

/**
 * A person's decision on a conflict of ids: the remote id names this hub id, whatever either was
 * bound to before.
 */
export async function rebind(db: Db, binding: Binding): Promise<void> {
  await db
    .deleteFrom('external_ids')
    .where('connection_id', '=', binding.connectionId)
    .where('entity', '=', binding.entity)
    .where((eb) => eb.or([eb('external_id', '=', binding.externalId), eb('hub_id', '=', binding.hubId)]))
    .execute();
  await db
    .insertInto('external_ids')
    .values({
      merchant_id: binding.merchantId,
      connection_id: binding.connectionId,
      entity: binding.entity,
      external_id: binding.externalId,
      hub_id: binding.hubId,
    })
    .execute();
  await mirror(db, binding);
}

/** Our id for a remote one, or null when the remote id names nothing of ours. */
export async function findByExternalId(
  db: Db,
  key: Pick<Binding, 'connectionId' | 'entity' | 'externalId'>,
): Promise<string | null> {
  const row = await db
    .selectFrom('external_ids')
    .select('hub_id')
    .where('connection_id', '=', key.connectionId)
    .where('entity', '=', key.entity)
    .where('external_id', '=', key.externalId)
    .executeTakeFirst();
  return row?.hub_id ?? null;
}

/** The remote id bound to one of ours, or null when the remote side's id is not known yet. */
export async function findByHubId(
  db: Db,
  key: Pick<Binding, 'connectionId' | 'entity' | 'hubId'>,
): Promise<string | null> {
  const row = await db
    .selectFrom('external_ids')
    .select('external_id')
    .where('connection_id', '=', key.connectionId)
    .where('entity', '=', key.entity)
    .where('hub_id', '=', key.hubId)
    .executeTakeFirst();
  return row?.external_id ?? null;
}

async function mirror(db: Db, binding: Binding): Promise<void> {
  if (binding.entity !== 'shipment') return;
  await db
    .updateTable('shipments')
    .set({ external_id: binding.externalId })
    .where('id', '=', binding.hubId)
    .where('fulfillment_connection_id', '=', binding.connectionId)
    .execute();
}
