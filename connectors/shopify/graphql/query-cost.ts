/**
 * An upper estimate of what Shopify will charge for a document, before it is sent, so the
 * limiter can reserve it: the bucket must hold the *requested* cost, and the unused part is
 * refunded afterwards (we then read the real balance from `throttleStatus`).
 *
 * Shopify's published rules (shopify.dev, "GraphQL Admin API rate limits"): a scalar or enum costs
 * 0, an object 1, a connection or a paged list is sized by its `first`/`last` (2 + n × its node's
 * cost, so nested connections multiply), a mutation costs 10. A page size given as a variable is
 * read from the variables, as Shopify does; without a value it is costed at Shopify's maximum, 250.
 */
import {
  type ArgumentNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
} from 'graphql';

const MUTATION_COST = 10;

export function estimateQueryCost(
  document: string | DocumentNode,
  variables: Record<string, unknown> = {},
): number {
  const ast = typeof document === 'string' ? parse(document) : document;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of ast.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const operation = ast.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (!operation) throw new Error('the document has no operation');
  if (operation.operation === 'mutation') return MUTATION_COST * operation.selectionSet.selections.length;
  return selectionCost(operation.selectionSet, fragments, variables);
}

function selectionCost(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): number {
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = fragments.get(selection.name.value);
      if (fragment) cost += selectionCost(fragment.selectionSet, fragments, variables);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      cost += selectionCost(selection.selectionSet, fragments, variables);
    } else if (selection.selectionSet) {
      const page = pageSize(selection.arguments ?? [], variables);
      if (page === null) {
        cost += 1 + selectionCost(selection.selectionSet, fragments, variables);
        continue;
      }
      // A connection's items live under `nodes` or `edges`; `pageInfo` is paid once. A paged list
      // (`fulfillments(first:)`) is all items.
      let perItem = 0;
      let once = 0;
      for (const child of selection.selectionSet.selections) {
        const single = { kind: Kind.SELECTION_SET, selections: [child] } as SelectionSetNode;
        if (child.kind === Kind.FIELD && (child.name.value === 'nodes' || child.name.value === 'edges')) {
          perItem += selectionCost(single, fragments, variables);
        } else once += selectionCost(single, fragments, variables);
      }
      if (perItem === 0) {
        perItem = 1 + once;
        once = 0;
      }
      cost += 2 + page * perItem + once;
    }
  }
  return cost;
}

const MAX_PAGE = 250;

function pageSize(args: readonly ArgumentNode[], variables: Record<string, unknown>): number | null {
  for (const arg of args) {
    if (arg.name.value !== 'first' && arg.name.value !== 'last') continue;
    if (arg.value.kind === Kind.INT) return Number(arg.value.value);
    if (arg.value.kind === Kind.VARIABLE) {
      const value = variables[arg.value.name.value];
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0)
        return Math.min(value, MAX_PAGE);
    }
    return MAX_PAGE;
  }
  return null;
}
