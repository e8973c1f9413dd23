/**
 * Validates a rule set a merchant sends: the JSON Schema first (ajv), then what a schema cannot say
 * (unique rule ids, a range whose ends are in order, a window that names days or hours). Every
 * error names the field by JSON pointer, so the admin API can answer 400 with it.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { type RuleSetDefinition, RuleSetSchema } from './rules-schema.ts';

export interface RuleSetError {
  /** JSON pointer into the submitted document, e.g. "/rules/2/action/strategy/0". */
  path: string;
  message: string;
}

export type RuleSetValidation =
  | { ok: true; value: RuleSetDefinition }
  | { ok: false; errors: RuleSetError[] };

const MAX_CONDITION_DEPTH = 8;

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/**
 * TypeBox writes a union as `anyOf`; where every member is an object with a constant `type`, we
 * hand ajv the same union as a discriminated `oneOf`, so a bad condition reports its own field
 * rather than one complaint per branch. The TypeScript type is unchanged: it is the same union.
 */
function withDiscriminators(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withDiscriminators);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = withDiscriminators(value);
  const members = out.anyOf;
  if (
    Array.isArray(members) &&
    members.every(
      (member) => (member as { properties?: { type?: { const?: unknown } } })?.properties?.type?.const,
    )
  ) {
    out.oneOf = members;
    delete out.anyOf;
    out.type = 'object';
    out.discriminator = { propertyName: 'type' };
  }
  return out;
}

const ajv = new Ajv({ allErrors: true, discriminator: true, strict: true, verbose: true });
ajv.addFormat('iana-time-zone', { type: 'string', validate: isTimeZone });
const validateSchema = ajv.compile<RuleSetDefinition>(withDiscriminators(RuleSetSchema) as object);

function discriminatorTags(error: ErrorObject): string[] {
  const members = (error.parentSchema as { oneOf?: { properties: { type: { const: string } } }[] })?.oneOf;
  return (members ?? []).map((member) => member.properties.type.const);
}

function describe(error: ErrorObject): RuleSetError {
  const path = error.instancePath;
  switch (error.keyword) {
    case 'required':
      return { path: `${path}/${error.params.missingProperty}`, message: 'is required' };
    case 'additionalProperties':
      return { path: `${path}/${error.params.additionalProperty}`, message: 'is not a known field' };
    case 'enum':
      return { path, message: `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}` };
    case 'discriminator': {
      // ajv reports the tag's own problems against the object; point at the tag itself.
      const tags = discriminatorTags(error);
      const message =
        error.params.error === 'tag' ? 'is required, a string' : `must be one of ${tags.join(', ')}`;
      return { path: `${path}/type`, message };
    }
    case 'format':
      return { path, message: `must be a valid ${error.params.format}` };
    default:
      return { path, message: error.message ?? 'is invalid' };
  }
}

function checkCondition(
  condition: { type: string; [key: string]: unknown },
  path: string,
  depth: number,
  errors: RuleSetError[],
): void {
  if (depth > MAX_CONDITION_DEPTH) {
    errors.push({ path, message: `nests deeper than ${MAX_CONDITION_DEPTH} levels` });
    return;
  }
  switch (condition.type) {
    case 'all':
    case 'any':
      (condition.of as (typeof condition)[]).forEach((child, index) => {
        checkCondition(child, `${path}/of/${index}`, depth + 1, errors);
      });
      return;
    case 'not':
      checkCondition(condition.condition as typeof condition, `${path}/condition`, depth + 1, errors);
      return;
    case 'order_value': {
      const { atLeastMinor, belowMinor } = condition as { atLeastMinor?: number; belowMinor?: number };
      if (atLeastMinor === undefined && belowMinor === undefined) {
        errors.push({ path, message: 'needs atLeastMinor, belowMinor or both' });
      } else if (atLeastMinor !== undefined && belowMinor !== undefined && belowMinor <= atLeastMinor) {
        errors.push({ path: `${path}/belowMinor`, message: 'must be greater than atLeastMinor' });
      }
      return;
    }
    case 'line_count': {
      const { min, max } = condition as { min?: number; max?: number };
      if (min === undefined && max === undefined) errors.push({ path, message: 'needs min, max or both' });
      else if (min !== undefined && max !== undefined && max < min) {
        errors.push({ path: `${path}/max`, message: 'must not be less than min' });
      }
      return;
    }
    case 'time_window': {
      const { days, hours } = condition as { days?: unknown; hours?: { from: string; to: string } };
      if (days === undefined && hours === undefined)
        errors.push({ path, message: 'needs days, hours or both' });
      if (hours && hours.from === hours.to) {
        errors.push({ path: `${path}/hours/to`, message: 'must differ from hours.from' });
      }
      return;
    }
    default:
      return;
  }
}

function checkSemantics(value: RuleSetDefinition): RuleSetError[] {
  const errors: RuleSetError[] = [];
  const seen = new Map<string, number>();
  value.rules.forEach((rule, index) => {
    const path = `/rules/${index}`;
    const earlier = seen.get(rule.id);
    if (earlier !== undefined)
      errors.push({ path: `${path}/id`, message: `repeats the id of /rules/${earlier}` });
    else seen.set(rule.id, index);
    if (rule.when) checkCondition(rule.when, `${path}/when`, 1, errors);
    if (rule.lines) checkCondition(rule.lines, `${path}/lines`, 1, errors);
    const action = rule.action;
    if (action.type === 'exclude' && !action.locationIds && !action.connectionIds) {
      errors.push({ path: `${path}/action`, message: 'needs locationIds, connectionIds or both' });
    }
    if (action.type === 'exclude' && rule.lines) {
      errors.push({ path: `${path}/lines`, message: 'an exclusion applies to the whole order; use when' });
    }
    if (action.type === 'route' && action.ranking && !action.strategy?.includes('priority')) {
      errors.push({ path: `${path}/action/ranking`, message: 'is only read by the priority strategy' });
    }
  });
  return errors;
}

export function validateRuleSet(input: unknown): RuleSetValidation {
  if (!validateSchema(input)) {
    const errors = (validateSchema.errors ?? []).map(describe);
    // ajv can report one field twice (a branch and its parent); keep each path/message once.
    const unique = [...new Map(errors.map((error) => [`${error.path} ${error.message}`, error])).values()];
    return { ok: false, errors: unique };
  }
  const errors = checkSemantics(input);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: input };
}

export interface KnownReferences {
  locationIds: readonly string[];
  fulfillmentConnectionIds: readonly string[];
  storefrontConnectionIds: readonly string[];
}

/**
 * Ids a valid rule set names that the merchant does not have. Separate from validateRuleSet
 * because the caller must read the merchant's locations and connections to answer it.
 */
export function checkRuleSetReferences(value: RuleSetDefinition, known: KnownReferences): RuleSetError[] {
  const locations = new Set(known.locationIds);
  const fulfillment = new Set(known.fulfillmentConnectionIds);
  const storefronts = new Set(known.storefrontConnectionIds);
  const errors: RuleSetError[] = [];
  const check = (ids: readonly string[] | undefined, knownIds: Set<string>, path: string, what: string) => {
    ids?.forEach((id, index) => {
      if (!knownIds.has(id))
        errors.push({ path: `${path}/${index}`, message: `names no ${what} of this merchant` });
    });
  };
  const walk = (condition: { type: string; [key: string]: unknown }, path: string) => {
    if (condition.type === 'all' || condition.type === 'any') {
      (condition.of as (typeof condition)[]).forEach((child, index) => {
        walk(child, `${path}/of/${index}`);
      });
    } else if (condition.type === 'not') walk(condition.condition as typeof condition, `${path}/condition`);
    else if (condition.type === 'storefront') {
      check(
        condition.connectionIds as string[],
        storefronts,
        `${path}/connectionIds`,
        'storefront connection',
      );
    }
  };
  value.rules.forEach((rule, index) => {
    const path = `/rules/${index}`;
    if (rule.when) walk(rule.when, `${path}/when`);
    const action = rule.action;
    if (action.type === 'route') {
      check(action.locationIds, locations, `${path}/action/locationIds`, 'location');
      check(action.connectionIds, fulfillment, `${path}/action/connectionIds`, 'fulfillment connection');
      check(action.ranking, locations, `${path}/action/ranking`, 'location');
    } else if (action.type === 'exclude') {
      check(action.locationIds, locations, `${path}/action/locationIds`, 'location');
      check(action.connectionIds, fulfillment, `${path}/action/connectionIds`, 'fulfillment connection');
    }
  });
  value.costs?.rows.forEach((row, index) => {
    if (!locations.has(row.locationId)) {
      errors.push({ path: `/costs/rows/${index}/locationId`, message: 'names no location of this merchant' });
    }
  });
  return errors;
}
