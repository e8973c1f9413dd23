import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/types.ts';
import { type MerchantScope, scopedMerchant } from '../http/scope.ts';
import { toEntry } from '../pipeline/route/sku-map-store.ts';
import { buildSkuMap, lookupSkuMap } from '../routing/resolve-lines.ts';
import type { RoutingDecision, RoutingLocation, RoutingOrder } from '../routing/routing-model.ts';
import type { RuleSet, RuleSetDefinition } from '../routing/rules-schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface StoredRuleSet {
  merchantId: string;
  version: number;
  definition: RuleSetDefinition;
  createdAt: Date;
  createdBy: string | null;
}

/** Simulation reads at most this many orders of a range: the engine's benchmark size. */
export const SIMULATION_ORDER_LIMIT = 10_000;

const ruleSetColumns = ['merchant_id', 'version', 'rules', 'created_at', 'created_by'] as const;

function storedRuleSet(row: {
  merchant_id: string;
  version: number;
  rules: Record<string, unknown>;
  created_at: Date;
  created_by: string | null;
}): StoredRuleSet {
  return {
    merchantId: row.merchant_id,
    version: row.version,
    // Only validateRuleSet's output is ever stored (see create), so the stored JSON is a definition.
    definition: row.rules as RuleSetDefinition,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

/**
 * A merchant's routing rule sets as a scope may see them. Versions are immutable: a change is a new
 * row with the next version number, and the live rule set is the highest version.
 */
export function routingRuleQueries(db: Kysely<Database>) {
  const visible = (scope: MerchantScope, merchantId: string) => {
    const merchant = scopedMerchant(scope);
    return merchant === null || merchant === merchantId;
  };

  async function live(scope: MerchantScope, merchantId: string, from: Db = db) {
    if (!visible(scope, merchantId)) return undefined;
    const row = await from
      .selectFrom('routing_rule_sets')
      .select(ruleSetColumns)
      .where('merchant_id', '=', merchantId)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? storedRuleSet(row) : undefined;
  }

  return {
    live,

    /** Every version, newest first (definitions included: a rule set is at most a few hundred rules). */
    async versions(scope: MerchantScope, merchantId: string): Promise<StoredRuleSet[]> {
      if (!visible(scope, merchantId)) return [];
      const rows = await db
        .selectFrom('routing_rule_sets')
        .select(ruleSetColumns)
        .where('merchant_id', '=', merchantId)
        .orderBy('version', 'desc')
        .execute();
      return rows.map(storedRuleSet);
    },

    async version(scope: MerchantScope, merchantId: string, version: number) {
      if (!visible(scope, merchantId)) return undefined;
      const row = await db
        .selectFrom('routing_rule_sets')
        .select(ruleSetColumns)
        .where('merchant_id', '=', merchantId)
        .where('version', '=', version)
        .executeTakeFirst();
      return row ? storedRuleSet(row) : undefined;
    },

    /**
     * Stores a validated definition as the merchant's next version; undefined when the scope may not
     * see the merchant or it does not exist. The merchant row is locked so two concurrent changes
     * get consecutive versions instead of one failing on the primary key.
     */
    async create(
      scope: MerchantScope,
      merchantId: string,
      definition: RuleSetDefinition,
      createdBy: string | null,
    ): Promise<StoredRuleSet | undefined> {
      if (!visible(scope, merchantId)) return undefined;
      return db.transaction().execute(async (trx) => {
        const merchant = await trx
          .selectFrom('merchants')
          .select('id')
          .where('id', '=', merchantId)
          .forUpdate()
          .executeTakeFirst();
        if (!merchant) return undefined;
        const current = await live(scope, merchantId, trx);
        const row = await trx
          .insertInto('routing_rule_sets')
          .values({
            merchant_id: merchantId,
            version: (current?.version ?? 0) + 1,
            rules: JSON.stringify(definition),
            created_by: createdBy,
          })
          .returning(ruleSetColumns)
          .executeTakeFirstOrThrow();
        return storedRuleSet(row);
      });
    },
  };
}

/** The merchant's connection ids by role, for checking the ids a rule set names. */
export async function connectionIdsOf(db: Kysely<Database>, merchantId: string) {
  const rows = await db
    .selectFrom('connections')
    .select(['id', 'role'])
    .where('merchant_id', '=', merchantId)
    .where('status', '!=', 'uninstalled')
    .execute();
  const of = (role: 'storefront' | 'fulfillment') =>
    rows.filter((row) => row.role === role).map((row) => row.id);
  return { storefront: of('storefront'), fulfillment: of('fulfillment') };
}

/** The merchant's live rule set, for the route stage (not a scope's read: routing acts for the merchant). */
export async function liveRuleSetOf(db: Db, merchantId: string): Promise<StoredRuleSet | undefined> {
  const row = await db
    .selectFrom('routing_rule_sets')
    .select(ruleSetColumns)
    .where('merchant_id', '=', merchantId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? storedRuleSet(row) : undefined;
}

/** The engine's view of a stored rule set. */
export const engineRuleSet = (stored: StoredRuleSet | undefined): RuleSet | null =>
  stored ? { version: stored.version, definition: stored.definition } : null;

/**
 * Stores one routing decision in the caller's transaction (the one that stores the plan it made),
 * so an order's shipments and the reasons for them are written together or not at all.
 */
export async function recordRoutingDecision(
  trx: Db,
  input: { orderId: string; merchantId: string; decision: RoutingDecision },
): Promise<void> {
  await trx
    .insertInto('routing_decisions')
    .values({
      order_id: input.orderId,
      merchant_id: input.merchantId,
      rule_set_version: input.decision.ruleSetVersion,
      decision: JSON.stringify(input.decision),
    })
    .execute();
}

/** An order's routing decisions, oldest first (the caller has checked the order is in scope). */
export async function routingDecisionsOf(db: Db, orderId: string) {
  return db
    .selectFrom('routing_decisions')
    .select(['id', 'rule_set_version', 'decision', 'created_at'])
    .where('order_id', '=', orderId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

interface AddressFields {
  countryCode?: unknown;
  province?: unknown;
  postalCode?: unknown;
}

const textOrNull = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);

/**
 * What the simulation routes: the merchant's stored orders placed in [from, to), with a
 * destination, as the engine reads them. Lines are named by the 3PL's SKU through the merchant's
 * SKU map (the stock rows are keyed by it); a line without one, marked "do not ship", or left out
 * of the order by a person (excluded, skipped) is not shippable. Product and customer tags are not
 * stored yet: empty.
 */
export async function simulationOrders(
  db: Kysely<Database>,
  merchantId: string,
  range: { from: Date; to: Date },
): Promise<{ orders: RoutingOrder[]; truncated: boolean }> {
  const rows = await db
    .selectFrom('orders')
    .select([
      'id',
      'storefront_connection_id',
      'placed_at',
      'currency',
      'total_minor',
      'shipping_method',
      'shipping_address',
      'tags',
    ])
    .where('merchant_id', '=', merchantId)
    .where('placed_at', '>=', range.from)
    .where('placed_at', '<', range.to)
    .where('shipping_address', 'is not', null)
    .orderBy('placed_at')
    .orderBy('id')
    .limit(SIMULATION_ORDER_LIMIT + 1)
    .execute();
  const truncated = rows.length > SIMULATION_ORDER_LIMIT;
  const kept = rows.slice(0, SIMULATION_ORDER_LIMIT);
  const lines =
    kept.length === 0
      ? []
      : await db
          .selectFrom('order_lines')
          .select(['order_id', 'source_line_id', 'sku', 'quantity', 'unit_price_minor', 'requires_shipping'])
          .select(['disposition', 'source_product_id', 'source_variant_id'])
          .where(
            'order_id',
            'in',
            kept.map((row) => row.id),
          )
          .orderBy('source_line_id')
          .execute();
  const linesOf = Map.groupBy(lines, (line) => line.order_id);
  const skuMap = buildSkuMap(
    (
      await db
        .selectFrom('sku_map')
        .select(['kind', 'storefront_connection_id', 'key', 'action', 'fulfillment_sku'])
        .where('merchant_id', '=', merchantId)
        .execute()
    ).map(toEntry),
  );
  const LEFT_OUT = new Set(['do_not_ship', 'excluded', 'skipped']);
  const orders = kept.flatMap((row): RoutingOrder[] => {
    const address = (row.shipping_address ?? {}) as AddressFields;
    const country = textOrNull(address.countryCode);
    if (!country) return [];
    return [
      {
        orderId: row.id,
        storefrontConnectionId: row.storefront_connection_id,
        placedAt: row.placed_at.toISOString(),
        currency: row.currency,
        totalMinor: Number(row.total_minor),
        shippingMethod: row.shipping_method,
        tags: row.tags,
        customerTags: [],
        destination: {
          country,
          region: textOrNull(address.province),
          postalCode: textOrNull(address.postalCode),
          coordinates: null,
        },
        lines: (linesOf.get(row.id) ?? []).map((line) => {
          const mapping = lookupSkuMap(
            {
              sku: line.sku,
              sourceProductId: line.source_product_id,
              sourceVariantId: line.source_variant_id,
            },
            skuMap,
            row.storefront_connection_id,
          );
          const sku = mapping?.kind === 'map' ? mapping.fulfillmentSku : line.sku;
          return {
            lineId: line.source_line_id,
            sku: sku ?? '',
            quantity: line.quantity,
            shippable:
              line.requires_shipping &&
              sku !== null &&
              mapping?.kind !== 'do_not_ship' &&
              !(line.disposition && LEFT_OUT.has(line.disposition)),
            productTags: [],
            unitPriceMinor: Number(line.unit_price_minor),
          };
        }),
      },
    ];
  });
  return { orders, truncated };
}

/**
 * The merchant's candidate locations with today's stock, built from `stock_levels`: one location per
 * 3PL connection and location key, named by that key (qualified with the connection when two 3PLs
 * use the same key). A location of a connection that is not active
 * is inactive. (A `locations` table with coordinates and rankings replaces this when it exists.)
 */
export async function simulationLocations(
  db: Kysely<Database>,
  merchantId: string,
): Promise<RoutingLocation[]> {
  const rows = await db
    .selectFrom('stock_levels')
    .innerJoin('connections', 'connections.id', 'stock_levels.connection_id')
    .select([
      'stock_levels.connection_id',
      'stock_levels.location',
      'stock_levels.sku',
      'stock_levels.available',
      'connections.status',
    ])
    .where('stock_levels.merchant_id', '=', merchantId)
    .where('connections.role', '=', 'fulfillment')
    .orderBy('stock_levels.location')
    .orderBy('stock_levels.connection_id')
    .execute();
  const locations = new Map<string, RoutingLocation & { available: Record<string, number> }>();
  const connectionOfKey = new Map<string, string>();
  for (const row of rows) {
    const key = `${row.connection_id}\n${row.location}`;
    let location = locations.get(key);
    if (!location) {
      // Two 3PLs can both call a warehouse "main"; the engine needs unique ids, so the second is qualified.
      const firstOwner = connectionOfKey.get(row.location) ?? row.connection_id;
      connectionOfKey.set(row.location, firstOwner);
      location = {
        locationId: firstOwner === row.connection_id ? row.location : `${row.location}@${row.connection_id}`,
        fulfillmentConnectionId: row.connection_id,
        country: null,
        coordinates: null,
        priority: null,
        safetyStock: 0,
        available: {},
        active: row.status === 'active',
      };
      locations.set(key, location);
    }
    location.available[row.sku] = (location.available[row.sku] ?? 0) + Math.max(0, row.available);
  }
  return [...locations.values()];
}
