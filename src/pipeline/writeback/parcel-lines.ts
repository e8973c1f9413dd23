/**
 * Which of a shipment's storefront lines one of its parcels is written back with. Pure.
 *
 * A parcel that says what it holds (by the 3PL's SKU, the SKU the shipment's lines were submitted
 * with) takes those lines, each capped by what of the shipment line is left: the shipment's
 * quantity less what the parcels already written carried. A parcel that does not say takes what
 * is left after the written parcels and after what the other live parcels say they hold (theirs
 * when they ship). What a parcel was written with is stored, so a retry or a relabel writes the
 * same lines, and the parcels after it know what is covered.
 */
import type { ParcelLine, WrittenParcelLine } from '../../db/types.ts';

export interface ShipmentLine {
  sourceLineId: string;
  sku: string;
  quantity: number;
}

export interface ParcelContents {
  id: string;
  /** Not cancelled: what it says it holds is still to ship. */
  live: boolean;
  /** What the 3PL says the parcel holds; null when it does not say. */
  lines: ParcelLine[] | null;
  /** The storefront lines it was written back with; null while not written. */
  writtenLines: WrittenParcelLine[] | null;
}

export function parcelStorefrontLines(
  shipmentLines: readonly ShipmentLine[],
  parcels: readonly ParcelContents[],
  parcelId: string,
): WrittenParcelLine[] {
  const target = parcels.find((parcel) => parcel.id === parcelId);
  if (!target) return [];
  const left = new Map(shipmentLines.map((line) => [line.sourceLineId, line.quantity]));
  const others = parcels.filter((parcel) => parcel.id !== parcelId);
  for (const parcel of others) {
    for (const line of parcel.writtenLines ?? []) {
      left.set(line.sourceLineId, Math.max(0, (left.get(line.sourceLineId) ?? 0) - line.quantity));
    }
  }
  if (target.lines) return take(shipmentLines, left, target.lines);
  for (const parcel of others) {
    if (parcel.live && parcel.writtenLines === null && parcel.lines) take(shipmentLines, left, parcel.lines);
  }
  return shipmentLines
    .map((line) => ({ ...line, quantity: left.get(line.sourceLineId) ?? 0 }))
    .filter((line) => line.quantity > 0);
}

/** The shipment lines these SKUs and quantities take from what is left (which they use up). */
function take(
  shipmentLines: readonly ShipmentLine[],
  left: Map<string, number>,
  wanted: readonly ParcelLine[],
): WrittenParcelLine[] {
  const taken = new Map<string, number>();
  for (const { sku, quantity } of wanted) {
    let still = quantity;
    for (const line of shipmentLines) {
      if (still <= 0) break;
      if (line.sku.trim() !== sku.trim()) continue;
      const share = Math.min(still, left.get(line.sourceLineId) ?? 0);
      if (share <= 0) continue;
      left.set(line.sourceLineId, (left.get(line.sourceLineId) ?? 0) - share);
      taken.set(line.sourceLineId, (taken.get(line.sourceLineId) ?? 0) + share);
      still -= share;
    }
  }
  return shipmentLines
    .filter((line) => taken.has(line.sourceLineId))
    .map((line) => ({
      sourceLineId: line.sourceLineId,
      sku: line.sku,
      quantity: taken.get(line.sourceLineId) ?? 0,
    }));
}
