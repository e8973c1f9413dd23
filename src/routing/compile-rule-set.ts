/**
 * A rule set with its conditions compiled to predicates, cached per rule set object: a simulation
 * routes thousands of orders with the same two rule sets.
 */
import {
  compileCondition,
  compileLineCondition,
  type LinePredicate,
  type OrderPredicate,
} from './conditions.ts';
import type { Rule, RuleSet } from './rules-schema.ts';

export interface CompiledRule {
  rule: Rule;
  when: OrderPredicate | null;
  lines: LinePredicate | null;
}

export interface CompiledRuleSet {
  version: number;
  timeZone: string;
  rules: CompiledRule[];
  ruleSet: RuleSet;
}

const cache = new WeakMap<RuleSet, CompiledRuleSet>();

export function compileRuleSet(ruleSet: RuleSet): CompiledRuleSet {
  const cached = cache.get(ruleSet);
  if (cached) return cached;
  const compiled: CompiledRuleSet = {
    version: ruleSet.version,
    timeZone: ruleSet.definition.timeZone ?? 'UTC',
    rules: ruleSet.definition.rules.map((rule) => ({
      rule,
      when: rule.when ? compileCondition(rule.when) : null,
      lines: rule.lines ? compileLineCondition(rule.lines) : null,
    })),
    ruleSet,
  };
  cache.set(ruleSet, compiled);
  return compiled;
}
