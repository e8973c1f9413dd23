/**
 * Rule conditions compiled to predicates once per rule set, so routing thousands of orders (a
 * simulation) does not re-read the rule JSON per order.
 *
 * Line conditions (sku, sku_prefix, product_tag) test one line; in a rule's `when` they mean
 * "some line still to be routed matches", in its `lines` filter they pick the lines the action
 * takes. Tags, shipping methods and regions compare case-insensitively; SKUs exactly.
 */
import { inClockWindow, localTime } from './local-time.ts';
import type { RoutingLine, RoutingOrder } from './routing-model.ts';
import type { Condition, LineCondition } from './rules-schema.ts';

export interface ConditionLine {
  sku: string;
  tags: ReadonlySet<string>;
}

export interface ConditionContext {
  storefrontConnectionId: string;
  country: string;
  region: string | null;
  postalCode: string | null;
  orderTags: ReadonlySet<string>;
  customerTags: ReadonlySet<string>;
  shippingMethod: string | null;
  currency: string;
  totalMinor: number;
  shippableLineCount: number;
  shippableUnits: number;
  placedAtMs: number;
  nowMs: number;
  timeZone: string;
  /** The shippable lines still to be routed when the rule is reached. */
  lines: readonly ConditionLine[];
}

export type OrderPredicate = (context: ConditionContext) => boolean;
export type LinePredicate = (line: ConditionLine) => boolean;

const fold = (value: string) => value.trim().toLowerCase();
const foldSet = (values: readonly string[]) => new Set(values.map(fold));
const postal = (value: string) => value.replace(/\s+/g, '').toUpperCase();

export function conditionLine(line: RoutingLine): ConditionLine {
  return { sku: line.sku, tags: foldSet(line.productTags) };
}

/** The order-level facts every condition reads, computed once per order. */
export function conditionContext(
  order: RoutingOrder,
  remaining: readonly ConditionLine[],
  nowMs: number,
  timeZone: string,
): ConditionContext {
  const shippable = order.lines.filter((line) => line.shippable && line.quantity > 0);
  return {
    storefrontConnectionId: order.storefrontConnectionId,
    country: order.destination.country.toUpperCase(),
    region: order.destination.region ? fold(order.destination.region) : null,
    postalCode: order.destination.postalCode ? postal(order.destination.postalCode) : null,
    orderTags: foldSet(order.tags),
    customerTags: foldSet(order.customerTags),
    shippingMethod: order.shippingMethod ? fold(order.shippingMethod) : null,
    currency: order.currency.toUpperCase(),
    totalMinor: order.totalMinor,
    shippableLineCount: shippable.length,
    shippableUnits: shippable.reduce((sum, line) => sum + line.quantity, 0),
    placedAtMs: Date.parse(order.placedAt),
    nowMs,
    timeZone,
    lines: remaining,
  };
}

function intersects(have: ReadonlySet<string>, wanted: ReadonlySet<string>): boolean {
  for (const value of wanted) if (have.has(value)) return true;
  return false;
}

export function compileLineCondition(condition: LineCondition): LinePredicate {
  switch (condition.type) {
    case 'sku': {
      const skus = new Set(condition.in);
      return (line) => skus.has(line.sku);
    }
    case 'sku_prefix': {
      const prefixes = [...condition.prefixes];
      return (line) => prefixes.some((prefix) => line.sku.startsWith(prefix));
    }
    case 'product_tag': {
      const tags = foldSet(condition.in);
      return (line) => intersects(line.tags, tags);
    }
    case 'all': {
      const parts = condition.of.map(compileLineCondition);
      return (line) => parts.every((part) => part(line));
    }
    case 'any': {
      const parts = condition.of.map(compileLineCondition);
      return (line) => parts.some((part) => part(line));
    }
    case 'not': {
      const inner = compileLineCondition(condition.condition);
      return (line) => !inner(line);
    }
  }
}

export function compileCondition(condition: Condition): OrderPredicate {
  switch (condition.type) {
    case 'sku':
    case 'sku_prefix':
    case 'product_tag': {
      const matches = compileLineCondition(condition);
      return (context) => context.lines.some(matches);
    }
    case 'storefront': {
      const ids = new Set(condition.connectionIds);
      return (context) => ids.has(context.storefrontConnectionId);
    }
    case 'destination_country': {
      const countries = new Set(condition.in);
      return (context) => countries.has(context.country);
    }
    case 'destination_region': {
      const regions = foldSet(condition.in);
      const country = condition.country;
      return (context) =>
        context.country === country && context.region !== null && regions.has(context.region);
    }
    case 'destination_postal_prefix': {
      const prefixes = condition.prefixes.map(postal);
      const country = condition.country;
      return (context) =>
        (country === undefined || context.country === country) &&
        context.postalCode !== null &&
        prefixes.some((prefix) => context.postalCode?.startsWith(prefix));
    }
    case 'order_tag': {
      const tags = foldSet(condition.in);
      return (context) => intersects(context.orderTags, tags);
    }
    case 'customer_tag': {
      const tags = foldSet(condition.in);
      return (context) => intersects(context.customerTags, tags);
    }
    case 'shipping_method': {
      const methods = foldSet(condition.in);
      return (context) => context.shippingMethod !== null && methods.has(context.shippingMethod);
    }
    case 'order_value': {
      const { currency, atLeastMinor, belowMinor } = condition;
      return (context) =>
        context.currency === currency &&
        (atLeastMinor === undefined || context.totalMinor >= atLeastMinor) &&
        (belowMinor === undefined || context.totalMinor < belowMinor);
    }
    case 'line_count': {
      const { min, max } = condition;
      const units = condition.of === 'units';
      return (context) => {
        const count = units ? context.shippableUnits : context.shippableLineCount;
        return (min === undefined || count >= min) && (max === undefined || count <= max);
      };
    }
    case 'time_window': {
      const days = condition.days ? new Set(condition.days) : null;
      const hours = condition.hours;
      const zone = condition.timeZone;
      const atRouting = condition.at === 'routed';
      return (context) => {
        const local = localTime(atRouting ? context.nowMs : context.placedAtMs, zone ?? context.timeZone);
        return (
          (!days || days.has(local.weekday)) && (!hours || inClockWindow(local.minutes, hours.from, hours.to))
        );
      };
    }
    case 'all': {
      const parts = condition.of.map(compileCondition);
      return (context) => parts.every((part) => part(context));
    }
    case 'any': {
      const parts = condition.of.map(compileCondition);
      return (context) => parts.some((part) => part(context));
    }
    case 'not': {
      const inner = compileCondition(condition.condition);
      return (context) => !inner(context);
    }
  }
}
