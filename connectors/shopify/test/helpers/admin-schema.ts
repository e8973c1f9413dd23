/**
 * The Admin GraphQL schema of the pinned version (2026-07), vendored as Shopify's introspection
 * (from npm `@shopify/dev-mcp` 1.16.0, `dist/data/admin_2026-07.json.gz`), loaded once per run.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import {
  buildClientSchema,
  type GraphQLSchema,
  type IntrospectionQuery,
  NoDeprecatedCustomRule,
  parse,
  specifiedRules,
  validate,
} from 'graphql';

let schema: GraphQLSchema | null = null;

export function adminSchema(): GraphQLSchema {
  if (!schema) {
    const file = new URL('../fixtures/admin-schema-2026-07.json.gz', import.meta.url);
    const introspection = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as
      | IntrospectionQuery
      | { data: IntrospectionQuery };
    // assumeValid: graphql 17 rejects some of Shopify's deprecation markings otherwise.
    schema = buildClientSchema('data' in introspection ? introspection.data : introspection, {
      assumeValid: true,
    });
  }
  return schema;
}

/** The problems of a document against the pinned schema, deprecated fields and arguments included. */
export function documentProblems(document: string): string[] {
  return validate(adminSchema(), parse(document), [...specifiedRules, NoDeprecatedCustomRule]).map(
    (error) => error.message,
  );
}
