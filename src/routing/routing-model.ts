/**
 * What the routing engine reads and what it answers: plain, JSON-serializable data. The caller
 * (the route stage) reads orders, locations, stock and the rule set from the database; the engine
 * does no I/O. Lines arrive already resolved to the 3PL's SKU (see resolve-lines.ts).
 */
import type { HoldReason, RuleSet, Strategy } from './rules-schema.ts';

export interface GeoPoint {
  latitude: number;
  longitude: number;
}

export interface RoutingLine {
  lineId: string;
  /** The resolved 3PL SKU. Ignored for lines that are not shippable. */
  sku: string;
  quantity: number;
  /** False for gift cards, digital goods, do-not-ship lines: they are never sent anywhere. */
  shippable: boolean;
  productTags: readonly string[];
  unitPriceMinor: number;
}

export interface RoutingDestination {
  /** ISO 3166-1 alpha-2. */
  country: string;
  region: string | null;
  postalCode: string | null;
  /** From a geocode of the address when the caller has one; otherwise the country's centroid is used. */
  coordinates: GeoPoint | null;
}

export interface RoutingOrder {
  orderId: string;
  storefrontConnectionId: string;
  /** ISO 8601 instant. */
  placedAt: string;
  currency: string;
  totalMinor: number;
  shippingMethod: string | null;
  tags: readonly string[];
  customerTags: readonly string[];
  destination: RoutingDestination;
  lines: readonly RoutingLine[];
}

export interface RoutingLocation {
  locationId: string;
  fulfillmentConnectionId: string;
  /** ISO 3166-1 alpha-2, for same_country and as a fallback for coordinates. */
  country: string | null;
  coordinates: GeoPoint | null;
  /** The merchant's ranking: lower goes first; null after every ranked location. */
  priority: number | null;
  /** Units per SKU never promised (safety stock). */
  safetyStock: number;
  /** Available to promise per SKU, before safety stock. A SKU not listed has none. */
  available: Readonly<Record<string, number>>;
  active: boolean;
}

export interface RoutingInput {
  order: RoutingOrder;
  locations: readonly RoutingLocation[];
  /** null: no rules, the default behaviour alone. Must have passed validateRuleSet. */
  ruleSet: RuleSet | null;
  /** ISO 8601: when the routing happens (hold deadlines, 'routed' time windows). */
  now: string;
  /** Locations that must not receive anything, e.g. one whose 3PL refused this order. */
  excludedLocationIds?: readonly string[];
  /** Hold rules already released or expired for this order: they do not hold it again. */
  releasedHoldRuleIds?: readonly string[];
}

export interface PlannedLine {
  lineId: string;
  sku: string;
  quantity: number;
}

export interface PlannedShipment {
  locationId: string;
  fulfillmentConnectionId: string;
  lines: PlannedLine[];
}

export interface PlannedHold {
  ruleId: string;
  reason: HoldReason;
  note: string | null;
  /** ISO 8601, or null: held until someone releases it. */
  until: string | null;
  /** 'order': the rule held the whole order, including what earlier rules had placed. */
  scope: 'order' | 'lines';
  lines: PlannedLine[];
}

export type UnfillableReason = 'insufficient_stock' | 'no_eligible_location' | 'split_not_allowed';

export interface UnfillableLine {
  lineId: string;
  sku: string;
  /** Units of the line that were not placed. */
  quantity: number;
  /** Of those, units that no eligible location has at all (what must arrive before it can ship). */
  shortfall: number;
  reason: UnfillableReason;
  /** The rule that parked it (ifUnfilled: unfillable), or null when the default could not place it. */
  ruleId: string | null;
}

export interface NotRoutedLine {
  lineId: string;
  reason: 'not_shippable' | 'zero_quantity';
}

export type PlanOutcome = 'ship' | 'partial' | 'held' | 'unfillable' | 'nothing_to_ship';

export interface RoutingPlan {
  /** 'ship': every shippable unit placed; 'partial': some placed, the rest held or unfillable. */
  outcome: PlanOutcome;
  /** Sorted by location id; lines by line id. */
  shipments: PlannedShipment[];
  holds: PlannedHold[];
  unfillable: UnfillableLine[];
  notRouted: NotRoutedLine[];
}

export type IneligibleReason = 'inactive' | 'excluded' | 'not_in_rule';

export interface CandidateTrace {
  locationId: string;
  fulfillmentConnectionId: string;
  eligible: boolean;
  ineligibleReason: IneligibleReason | null;
  /** Units it could promise of each SKU still to place, after safety stock and this plan's use. */
  stock: Record<string, number>;
  /** Units of the lines still to place that it could ship. */
  coverableUnits: number;
  canShipComplete: boolean;
  /** Each strategy's raw score (null: unknown, ranks last). */
  scores: Partial<Record<Strategy, number | null>>;
  /** 1 = best, among eligible candidates; null for ineligible ones. */
  rank: number | null;
}

export interface StepTrace {
  /** The rule whose action this is, or null for the default behaviour. */
  ruleId: string | null;
  action: 'route' | 'hold' | 'exclude';
  lineIds: string[];
  strategy?: Strategy[];
  allowSplit?: boolean;
  candidates?: CandidateTrace[];
  placed: { locationId: string; lines: PlannedLine[] }[];
  unplaced: PlannedLine[];
  note: string;
}

export type RuleSkipReason =
  | 'disabled'
  | 'conditions_not_met'
  | 'no_lines_selected'
  | 'nothing_left_to_route'
  | 'hold_released';

export interface RuleTrace {
  ruleId: string;
  matched: boolean;
  skipReason: RuleSkipReason | null;
}

export interface RoutingDecision {
  /** null when there was no rule set (the default behaviour alone). */
  ruleSetVersion: number | null;
  routedAt: string;
  /** Rules whose action ran, in order. */
  matchedRuleIds: string[];
  /** Every rule, in order, with why it was skipped when it was. */
  rules: RuleTrace[];
  excludedLocations: { locationId: string; by: 'input' | string }[];
  steps: StepTrace[];
  plan: RoutingPlan;
}

export interface RoutingResult {
  plan: RoutingPlan;
  decision: RoutingDecision;
}
