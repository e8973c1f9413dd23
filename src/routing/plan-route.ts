/**
 * Routing v0: the merchant's default 3PL takes every shippable line, as the SKU map and the line
 * policy resolve it (see resolve-lines.ts); lines the 3PL cannot identify hold the order, wait as
 * a pending part, or are skipped. Pure, so the rules engine can grow here without touching I/O.
 */
import {
  type LineToResolve,
  resolveLines,
  type SkuMap,
  type UnidentifiedLinePolicy,
  type UnidentifiedWhy,
} from './resolve-lines.ts';

export type RoutableLine = LineToResolve;

export interface RoutingContext {
  defaultFulfillmentConnectionId: string | null;
  /** SKUs each fulfillment connection stocks (known to it, whatever the quantity). */
  stockedSkus: ReadonlyMap<string, ReadonlySet<string>>;
  /** Where the order came from: product and variant ids are looked up in its SKU map entries. */
  storefrontConnectionId: string;
  skuMap: SkuMap;
  policy: UnidentifiedLinePolicy;
  /** These lines are the held part of an order whose other lines are at a 3PL already. */
  partiallyRouted?: boolean;
}

export interface PlannedShipment {
  fulfillmentConnectionId: string;
  lines: { lineId: string; sku: string; quantity: number }[];
}

export type HoldReason = 'no_fulfillment_connection' | 'unknown_sku' | 'missing_sku' | 'nothing_to_ship';

export interface UnidentifiedLine {
  lineId: string;
  why: UnidentifiedWhy;
  fulfillmentSku: string | null;
}

export type RoutePlan =
  | {
      kind: 'ship';
      shipments: PlannedShipment[];
      /** Unidentified lines that wait, as a pending part, while the rest ships. */
      held: UnidentifiedLine[];
      /** Unidentified lines left out by the `skip` policy. */
      skipped: UnidentifiedLine[];
      /** Lines the SKU map says are never sent. */
      doNotShip: string[];
    }
  | {
      kind: 'hold';
      reason: HoldReason;
      detail: Record<string, unknown>;
      /** The lines that hold the order (empty unless the reason is about lines). */
      unidentified: UnidentifiedLine[];
      doNotShip: string[];
      fulfillmentConnectionId: string | null;
    };

export function planRoute(lines: readonly RoutableLine[], context: RoutingContext): RoutePlan {
  const target = context.defaultFulfillmentConnectionId;
  const resolved = resolveLines(lines, {
    storefrontConnectionId: context.storefrontConnectionId,
    skuMap: context.skuMap,
    policy: context.policy,
    ...(target ? { knownSkus: context.stockedSkus.get(target) ?? new Set<string>() } : {}),
    ...(context.partiallyRouted ? { partiallyRouted: true } : {}),
  });
  const doNotShip = resolved.flatMap((line) =>
    line.outcome === 'not_shipped' && line.why === 'do_not_ship' ? [line.lineId] : [],
  );
  const hold = (reason: HoldReason, unidentified: UnidentifiedLine[] = []): RoutePlan => ({
    kind: 'hold',
    reason,
    detail: holdDetail(reason, unidentified, target),
    unidentified,
    doNotShip,
    fulfillmentConnectionId: target,
  });

  const wanted = resolved.filter((line) => line.outcome !== 'not_shipped');
  if (wanted.length === 0) return hold('nothing_to_ship');
  if (!target) return hold('no_fulfillment_connection');

  const unidentified = resolved.flatMap((line) =>
    line.outcome === 'unidentified'
      ? [
          {
            lineId: line.lineId,
            why: line.why,
            fulfillmentSku: line.fulfillmentSku,
            treatment: line.treatment,
          },
        ]
      : [],
  );
  const strip = ({ lineId, why, fulfillmentSku }: UnidentifiedLine) => ({ lineId, why, fulfillmentSku });
  const holdingOrder = unidentified.filter((line) => line.treatment === 'hold_order').map(strip);
  if (holdingOrder.length > 0) {
    // A line without any SKU is the more basic problem; it is named first, as before.
    const reason = holdingOrder.some((line) => line.why === 'missing_sku') ? 'missing_sku' : 'unknown_sku';
    return hold(reason, holdingOrder);
  }

  const shipping = resolved.flatMap((line) =>
    line.outcome === 'ship'
      ? [{ lineId: line.lineId, sku: line.fulfillmentSku, quantity: line.quantity }]
      : [],
  );
  return {
    kind: 'ship',
    shipments: shipping.length > 0 ? [{ fulfillmentConnectionId: target, lines: shipping }] : [],
    held: unidentified.filter((line) => line.treatment === 'hold_line').map(strip),
    skipped: unidentified.filter((line) => line.treatment === 'skip').map(strip),
    doNotShip,
  };
}

/** The machine-readable part of a hold (the sentence and actions are added by the caller). */
function holdDetail(
  reason: HoldReason,
  unidentified: UnidentifiedLine[],
  fulfillmentConnectionId: string | null,
): Record<string, unknown> {
  switch (reason) {
    case 'unknown_sku':
      return {
        skus: [
          ...new Set(unidentified.flatMap((line) => (line.fulfillmentSku ? [line.fulfillmentSku] : []))),
        ],
        lineIds: unidentified.map((line) => line.lineId),
        fulfillmentConnectionId,
      };
    case 'missing_sku':
      return {
        lineIds: unidentified.filter((line) => line.why === 'missing_sku').map((line) => line.lineId),
        skus: [
          ...new Set(unidentified.flatMap((line) => (line.fulfillmentSku ? [line.fulfillmentSku] : []))),
        ],
        fulfillmentConnectionId,
      };
    default:
      return {};
  }
}
