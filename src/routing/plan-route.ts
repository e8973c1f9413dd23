/**
 * Routing v0: the merchant's default 3PL takes every shippable line; an order with a SKU that
 * 3PL does not stock is held. Pure, so the rules engine can grow here without touching I/O.
 */

export interface RoutableLine {
  lineId: string;
  sku: string | null;
  quantity: number;
  requiresShipping: boolean;
}

export interface RoutingContext {
  defaultFulfillmentConnectionId: string | null;
  /** SKUs each fulfillment connection stocks (known to it, whatever the quantity). */
  stockedSkus: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface PlannedShipment {
  fulfillmentConnectionId: string;
  lines: { lineId: string; sku: string; quantity: number }[];
}

export type HoldReason = 'no_fulfillment_connection' | 'unknown_sku' | 'missing_sku' | 'nothing_to_ship';

export type RoutePlan =
  | { kind: 'ship'; shipments: PlannedShipment[] }
  | { kind: 'hold'; reason: HoldReason; detail: Record<string, unknown> };

export function planRoute(lines: readonly RoutableLine[], context: RoutingContext): RoutePlan {
  const shippable = lines.filter((line) => line.requiresShipping && line.quantity > 0);
  if (shippable.length === 0) return { kind: 'hold', reason: 'nothing_to_ship', detail: {} };

  const target = context.defaultFulfillmentConnectionId;
  if (!target) return { kind: 'hold', reason: 'no_fulfillment_connection', detail: {} };

  const withoutSku = shippable.filter((line) => !line.sku);
  if (withoutSku.length > 0) {
    return { kind: 'hold', reason: 'missing_sku', detail: { lineIds: withoutSku.map((l) => l.lineId) } };
  }

  const stocked = context.stockedSkus.get(target) ?? new Set<string>();
  const unknown = [
    ...new Set(shippable.map((line) => line.sku as string).filter((sku) => !stocked.has(sku))),
  ];
  if (unknown.length > 0) {
    return {
      kind: 'hold',
      reason: 'unknown_sku',
      detail: { skus: unknown, fulfillmentConnectionId: target },
    };
  }

  return {
    kind: 'ship',
    shipments: [
      {
        fulfillmentConnectionId: target,
        lines: shippable.map((line) => ({
          lineId: line.lineId,
          sku: line.sku as string,
          quantity: line.quantity,
        })),
      },
    ],
  };
}
