/**
 * Which of our shipments a 3PL's event is about. Our reference (the shipment id we gave the 3PL)
 * decides; the 3PL's own id is only checked against what we bound it to, because 3PL ids can repeat
 * (a sandbox restarted on old data, an account reset at the 3PL) and a repeated id must never carry
 * one parcel's tracking to another customer's order. Pure: the caller reads the rows.
 */

export interface ShipmentMatchFacts {
  /** The event's reference, trimmed; empty when the 3PL sent none. */
  reference: string;
  externalId: string;
  /** The shipment our reference names on this connection, with the 3PL id we know it by. */
  byReference: { shipmentId: string; knownExternalId: string | null } | null;
  /** The shipment the event's 3PL id is bound to on this connection. */
  bound: { shipmentId: string } | null;
}

export type ShipmentMatch =
  /** Apply to this shipment; `bind` when the 3PL's id is not yet bound (a crash after submit). */
  | { kind: 'matched'; shipmentId: string; bind: boolean }
  /**
   * Reference and 3PL id disagree: held on the referenced shipment for a person (`bound_elsewhere`:
   * the id is bound to another shipment; `known_by_other_id`: we know this shipment by another id).
   */
  | {
      kind: 'conflict';
      reason: 'bound_elsewhere' | 'known_by_other_id';
      shipmentId: string;
      boundShipmentId: string | null;
      knownExternalId: string | null;
    }
  /** The reference is none of our shipments, yet the 3PL id is bound to one: applied nowhere. */
  | { kind: 'foreign_reference'; boundShipmentId: string }
  | { kind: 'none' };

export function matchShipment(facts: ShipmentMatchFacts): ShipmentMatch {
  const { byReference, bound } = facts;
  if (facts.reference === '') {
    // Some 3PLs send only their own id: then the binding is all there is to go by.
    return bound ? { kind: 'matched', shipmentId: bound.shipmentId, bind: false } : { kind: 'none' };
  }
  if (!byReference)
    return bound ? { kind: 'foreign_reference', boundShipmentId: bound.shipmentId } : { kind: 'none' };
  if (bound && bound.shipmentId !== byReference.shipmentId) {
    return {
      kind: 'conflict',
      reason: 'bound_elsewhere',
      shipmentId: byReference.shipmentId,
      boundShipmentId: bound.shipmentId,
      knownExternalId: byReference.knownExternalId,
    };
  }
  if (!bound && byReference.knownExternalId !== null && byReference.knownExternalId !== facts.externalId) {
    return {
      kind: 'conflict',
      reason: 'known_by_other_id',
      shipmentId: byReference.shipmentId,
      boundShipmentId: null,
      knownExternalId: byReference.knownExternalId,
    };
  }
  return { kind: 'matched', shipmentId: byReference.shipmentId, bind: !bound };
}
