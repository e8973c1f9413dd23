/** Small builders for routing tests: every field has a dull default, tests set what they test. */

import { planOrder } from './plan-order.ts';
import type {
  RoutingInput,
  RoutingLine,
  RoutingLocation,
  RoutingOrder,
  RoutingResult,
} from './routing-model.ts';
import type { Rule, RuleSet, RuleSetDefinition } from './rules-schema.ts';
import { validateRuleSet } from './validate-rule-set.ts';

export const NOW = '2026-03-04T12:00:00.000Z'; // a Wednesday

export function line(overrides: Partial<RoutingLine> & { lineId: string; sku: string }): RoutingLine {
  return { quantity: 1, shippable: true, productTags: [], unitPriceMinor: 1000, ...overrides };
}

export function order(overrides: Partial<RoutingOrder> = {}): RoutingOrder {
  return {
    orderId: 'order-1',
    storefrontConnectionId: 'shop-1',
    placedAt: NOW,
    currency: 'EUR',
    totalMinor: 5000,
    shippingMethod: 'standard',
    tags: [],
    customerTags: [],
    destination: { country: 'DE', region: 'BE', postalCode: '10115', coordinates: null },
    lines: [line({ lineId: 'l1', sku: 'A' })],
    ...overrides,
  };
}

export function location(
  overrides: Partial<RoutingLocation> & { locationId: string; available: Record<string, number> },
): RoutingLocation {
  return {
    fulfillmentConnectionId: `conn-${overrides.locationId}`,
    country: null,
    coordinates: null,
    priority: null,
    safetyStock: 0,
    active: true,
    ...overrides,
  };
}

/** A rule set that must pass validation, so tests never exercise rules the API would refuse. */
export function rules(list: Rule[], extra: Partial<RuleSetDefinition> = {}, version = 1): RuleSet {
  const definition: RuleSetDefinition = { timeZone: 'Europe/Berlin', rules: list, ...extra };
  const checked = validateRuleSet(definition);
  if (!checked.ok) throw new Error(`test rule set is invalid: ${JSON.stringify(checked.errors)}`);
  return { version, definition };
}

export function route(input: Partial<RoutingInput> & Pick<RoutingInput, 'locations'>): RoutingResult {
  return planOrder({ order: order(), ruleSet: null, now: NOW, ...input });
}

/** Location id → { lineId: units } of a plan's shipments, for compact assertions. */
export function shipped(result: RoutingResult): Record<string, Record<string, number>> {
  return Object.fromEntries(
    result.plan.shipments.map((shipment) => [
      shipment.locationId,
      Object.fromEntries(shipment.lines.map((planned) => [planned.lineId, planned.quantity])),
    ]),
  );
}
