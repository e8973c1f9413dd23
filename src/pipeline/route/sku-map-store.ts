import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, SkuMapTable } from '../../db/types.ts';
import type { SkuMapAction, SkuMapEntry, SkuMapKind } from '../../routing/resolve-lines.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type SkuMapRow = Selectable<SkuMapTable>;

/** Which entry: a storefront SKU (merchant-wide), or a product or variant id of one storefront. */
export interface SkuMapKey {
  kind: SkuMapKind;
  storefrontConnectionId: string | null;
  key: string;
}

export function toEntry(
  row: Pick<SkuMapRow, 'kind' | 'storefront_connection_id' | 'key' | 'action' | 'fulfillment_sku'>,
): SkuMapEntry {
  return {
    kind: row.kind,
    storefrontConnectionId: row.storefront_connection_id,
    key: row.key,
    action:
      row.action === 'map' && row.fulfillment_sku
        ? { kind: 'map', fulfillmentSku: row.fulfillment_sku }
        : { kind: 'do_not_ship' },
  };
}

/** The entries that can apply to these lines of one storefront's order (not the whole map). */
export async function skuMapEntriesFor(
  db: Db,
  merchantId: string,
  storefrontConnectionId: string,
  lines: readonly {
    sku: string | null;
    source_product_id: string | null;
    source_variant_id: string | null;
  }[],
): Promise<SkuMapEntry[]> {
  const present = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => !!v))];
  const skus = present(lines.map((line) => line.sku));
  const products = present(lines.map((line) => line.source_product_id));
  const variants = present(lines.map((line) => line.source_variant_id));
  if (skus.length + products.length + variants.length === 0) return [];
  const rows = await db
    .selectFrom('sku_map')
    .select(['kind', 'storefront_connection_id', 'key', 'action', 'fulfillment_sku'])
    .where('merchant_id', '=', merchantId)
    .where((eb) =>
      eb.or([
        ...(skus.length ? [eb.and([eb('kind', '=', 'sku'), eb('key', 'in', skus)])] : []),
        ...(products.length
          ? [
              eb.and([
                eb('kind', '=', 'product'),
                eb('storefront_connection_id', '=', storefrontConnectionId),
                eb('key', 'in', products),
              ]),
            ]
          : []),
        ...(variants.length
          ? [
              eb.and([
                eb('kind', '=', 'variant'),
                eb('storefront_connection_id', '=', storefrontConnectionId),
                eb('key', 'in', variants),
              ]),
            ]
          : []),
      ]),
    )
    .execute();
  return rows.map(toEntry);
}

/** Creates or replaces the entry for a key; returns the stored row. */
export async function putSkuMapEntry(
  trx: Transaction<Database>,
  merchantId: string,
  key: SkuMapKey,
  action: SkuMapAction,
) {
  const fulfillmentSku = action.kind === 'map' ? action.fulfillmentSku : null;
  return trx
    .insertInto('sku_map')
    .values({
      merchant_id: merchantId,
      kind: key.kind,
      storefront_connection_id: key.storefrontConnectionId,
      key: key.key,
      action: action.kind,
      fulfillment_sku: fulfillmentSku,
    })
    .onConflict((oc) =>
      oc
        .columns(['merchant_id', 'kind', 'storefront_connection_id', 'key'])
        .doUpdateSet({ action: action.kind, fulfillment_sku: fulfillmentSku, updated_at: new Date() }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteSkuMapEntry(db: Db, merchantId: string, key: SkuMapKey): Promise<boolean> {
  let query = db
    .deleteFrom('sku_map')
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', key.kind)
    .where('key', '=', key.key);
  query = key.storefrontConnectionId
    ? query.where('storefront_connection_id', '=', key.storefrontConnectionId)
    : query.where('storefront_connection_id', 'is', null);
  const deleted = await query.returning('id').executeTakeFirst();
  return deleted !== undefined;
}
