/**
 * One Admin GraphQL operation: its document (validated against the pinned schema in the tests),
 * its estimated cost (what the limiter reserves) and the schema of the `data` we read from it.
 * An operation whose page sizes are variables names their usual values (`pageSizes`); its cost
 * then depends on the sizes a call asks for, so a caller can ask for smaller pages on a shop whose
 * cost bucket is small.
 */
import { Kind, type OperationDefinitionNode, parse } from 'graphql';
import type { JsonSchema } from '../../../src/sdk/index.ts';
import { definePayload, type Payload } from '../payload-validation.ts';
import { estimateQueryCost } from './query-cost.ts';

export interface AdminOperation<TData> {
  name: string;
  kind: 'query' | 'mutation';
  document: string;
  /** The estimated cost with the usual page sizes. */
  cost: number;
  /** The usual value of each page-size variable. */
  pageSizes: Readonly<Record<string, number>>;
  /** The estimated cost of a call with these variables (page sizes not given: the usual ones). */
  costOf(variables: Record<string, unknown>): number;
  data: Payload<TData>;
}

export function defineOperation<TData>(
  document: string,
  dataSchema: JsonSchema,
  pageSizes: Record<string, number> = {},
): AdminOperation<TData> {
  const ast = parse(document);
  const operation = ast.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (!operation?.name) throw new Error('every Admin operation is named (it shows in Shopify’s logs)');
  const costOf = (variables: Record<string, unknown>) =>
    estimateQueryCost(ast, { ...pageSizes, ...variables });
  return {
    name: operation.name.value,
    kind: operation.operation === 'mutation' ? 'mutation' : 'query',
    document,
    cost: costOf({}),
    pageSizes,
    costOf,
    data: definePayload<TData>(operation.name.value, dataSchema),
  };
}

// Small builders for the response schemas: every listed property is required unless it is made
// optional, because a field we select is always present in a GraphQL answer (possibly null).
export const str = { type: 'string' } as const;
export const int = { type: 'integer' } as const;
export const bool = { type: 'boolean' } as const;
export const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
export const list = (items: JsonSchema): JsonSchema => ({ type: 'array', items });
export const object = (properties: Record<string, JsonSchema>): JsonSchema => ({
  type: 'object',
  required: Object.keys(properties),
  properties,
});
export const gid = (type: string): JsonSchema => ({ type: 'string', pattern: `^gid://shopify/${type}/\\d+` });
export const pageInfo = object({ hasNextPage: bool, endCursor: nullable(str) });
export const userErrors = list(object({ field: nullable(list(str)), message: str }));

export interface UserError {
  field: string[] | null;
  message: string;
  code?: string | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}
