import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type SelectionSetNode } from 'graphql';
import { getComplexity, simpleEstimator } from 'graphql-query-complexity';

/** Deepest field nesting in an operation, following fragments (cycles are rejected by validation). */
export function operationDepth(document: DocumentNode, operationName?: string | null): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const depthOf = (selectionSet: SelectionSetNode | undefined, seen: Set<string>): number => {
    if (!selectionSet) return 0;
    let deepest = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue; // introspection is bounded by the schema
        deepest = Math.max(deepest, selection.selectionSet ? 1 + depthOf(selection.selectionSet, seen) : 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, depthOf(selection.selectionSet, seen));
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment && !seen.has(name)) deepest = Math.max(deepest, depthOf(fragment.selectionSet, new Set([...seen, name])));
      }
    }
    return deepest;
  };
  let deepest = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName && definition.name?.value !== operationName) continue;
    deepest = Math.max(deepest, depthOf(definition.selectionSet, new Set()));
  }
  return deepest;
}

function tooComplex(message: string, limit: number, actual: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', limit, actual } });
}

/**
 * Why an operation is over the limits, or null. Cost counts one per field, multiplied by the
 * `first` argument of list fields, so asking for big pages of nested lists adds up quickly.
 */
export function queryLimitError(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  limits: { maxDepth: number; maxComplexity: number },
): GraphQLError | null {
  const depth = operationDepth(document, operationName);
  if (depth > limits.maxDepth) return tooComplex(`Query depth ${depth} exceeds the limit of ${limits.maxDepth}`, limits.maxDepth, depth);
  let complexity: number;
  try {
    complexity = getComplexity({
      schema,
      query: document,
      operationName: operationName ?? undefined,
      variables: variables ?? {},
      estimators: [
        ({ args, childComplexity }) => {
          const first = typeof args.first === 'number' && args.first > 0 ? args.first : 1;
          return 1 + childComplexity * first;
        },
        simpleEstimator({ defaultComplexity: 1 }),
      ],
    });
  } catch {
    // Invalid variables: execution refuses them next, with BAD_USER_INPUT naming the variable.
    return null;
  }
  if (complexity > limits.maxComplexity) {
    return tooComplex(`Query complexity ${complexity} exceeds the limit of ${limits.maxComplexity}`, limits.maxComplexity, complexity);
  }
  return null;
}

/** Verdicts kept per parsed document: at most this many variable sets each. */
const VERDICTS_PER_DOCUMENT = 64;

/**
 * Refuses operations deeper or costlier than the configured limits before they run. Apollo keeps
 * one parsed document per query text, and clients repeat the same queries with the same variables
 * (polling, dashboards), so each verdict is kept with its document: measuring a query walks all of
 * it, a few percent of a search request's CPU.
 */
export function queryLimitsPlugin(limits: { maxDepth: number; maxComplexity: number }): ApolloServerPlugin {
  const verdicts = new WeakMap<DocumentNode, Map<string, GraphQLError | null>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, schema }) {
          let byVariables = verdicts.get(document);
          if (!byVariables) verdicts.set(document, (byVariables = new Map()));
          const key = `${request.operationName ?? ''}\u0000${JSON.stringify(request.variables ?? {})}`;
          let error = byVariables.get(key);
          if (error === undefined) {
            error = queryLimitError(schema, document, request.operationName, request.variables, limits);
            if (byVariables.size >= VERDICTS_PER_DOCUMENT) byVariables.clear();
            byVariables.set(key, error);
          }
          // A fresh error each time: the one kept may not carry one request's details into another.
          if (error) throw new GraphQLError(error.message, { extensions: { ...error.extensions } });
        },
      };
    },
  };
}
