import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type SelectionSetNode } from 'graphql';
import { getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { requestIdOf } from '../observability/request-scope.js';

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

/** Aliased fields and root fields of an operation, following fragments (each spread counted where used). */
export function operationBreadth(document: DocumentNode, operationName?: string | null): { aliases: number; rootFields: number } {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  let aliases = 0;
  // Counts a selection set's aliases and returns its number of fields at this level.
  const walk = (selectionSet: SelectionSetNode | undefined, seen: Set<string>): number => {
    if (!selectionSet) return 0;
    let fields = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        fields += 1;
        if (selection.alias) aliases += 1;
        walk(selection.selectionSet, seen);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        fields += walk(selection.selectionSet, seen);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(fragment.name.value)) fields += walk(fragment.selectionSet, new Set([...seen, fragment.name.value]));
      }
    }
    return fields;
  };
  let rootFields = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName && definition.name?.value !== operationName) continue;
    rootFields += walk(definition.selectionSet, new Set());
  }
  return { aliases, rootFields };
}

/** Whether an operation asks for the schema itself: introspection or the federation SDL (`_service`). */
export function asksForSchema(document: DocumentNode): boolean {
  let found = false;
  const visit = (selectionSet: SelectionSetNode | undefined): void => {
    for (const selection of selectionSet?.selections ?? []) {
      if (found) return;
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === '__schema' || selection.name.value === '__type' || selection.name.value === '_service') found = true;
        else visit(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) visit(definition.selectionSet);
  }
  return found;
}

/** Entity representations (`_entities`) one request may resolve: as many as a page holds (MAX_PAGE of searches). */
export const MAX_REPRESENTATIONS = 200;

/** QUERY_TOO_COMPLEX; `http` makes Apollo answer 400 (an error thrown by a plugin is otherwise a 500). */
function tooComplex(message: string, limit: number, actual: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', limit, actual, http: { status: 400 } } });
}

export interface QueryLimits {
  maxDepth: number;
  maxComplexity: number;
  /** Aliased fields per operation: aliases multiply work and answer size for a small query. */
  maxAliases: number;
  /** Fields at the root of an operation: each is a separate read (and audit event). */
  maxRootFields: number;
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
  limits: QueryLimits,
): GraphQLError | null {
  const depth = operationDepth(document, operationName);
  if (depth > limits.maxDepth) return tooComplex(`Query depth ${depth} exceeds the limit of ${limits.maxDepth}`, limits.maxDepth, depth);
  const { aliases, rootFields } = operationBreadth(document, operationName);
  if (aliases > limits.maxAliases) return tooComplex(`Query uses ${aliases} aliases; the limit is ${limits.maxAliases}`, limits.maxAliases, aliases);
  if (rootFields > limits.maxRootFields) {
    return tooComplex(`Query asks for ${rootFields} root fields; the limit is ${limits.maxRootFields}`, limits.maxRootFields, rootFields);
  }
  let complexity: number;
  let representations = 0;
  try {
    complexity = getComplexity({
      schema,
      query: document,
      operationName: operationName ?? undefined,
      variables: variables ?? {},
      estimators: [
        ({ args, childComplexity, field }) => {
          // `_entities` resolves one record per representation: a list of them costs like a page of that many.
          const references = Array.isArray(args.representations) ? args.representations.length : null;
          if (references !== null) representations += references;
          // An explicit `first: null` means the argument's default page, and costs as much.
          const given = args.first ?? field.args.find((arg) => arg.name === 'first')?.defaultValue;
          const first = typeof given === 'number' && given > 0 ? given : references && references > 0 ? references : 1;
          return 1 + childComplexity * first;
        },
        simpleEstimator({ defaultComplexity: 1 }),
      ],
    });
  } catch {
    // Invalid variables: execution refuses them next, with BAD_USER_INPUT naming the variable.
    return null;
  }
  if (representations > MAX_REPRESENTATIONS) {
    return tooComplex(`Query resolves ${representations} entity representations; the limit is ${MAX_REPRESENTATIONS} a request`, MAX_REPRESENTATIONS, representations);
  }
  if (complexity > limits.maxComplexity) {
    return tooComplex(`Query complexity ${complexity} exceeds the limit of ${limits.maxComplexity}`, limits.maxComplexity, complexity);
  }
  return null;
}

/**
 * Decides whether a caller may read the schema (introspection, `_service`); throws a GraphQLError
 * to refuse. In production only authenticated callers may: a gateway presents its credentials.
 */
export type SchemaAccessCheck = (authorization: string | undefined) => Promise<void>;

/** Deeper variables than this are refused: no input of the schema nests nearly as deep. */
export const MAX_VARIABLE_DEPTH = 32;

/** How deep a JSON value nests, measured without recursion (a hostile value may nest thousands deep). */
export function jsonDepth(value: unknown, stopAt = MAX_VARIABLE_DEPTH + 1): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth + 1 > deepest) deepest = depth + 1;
    if (deepest >= stopAt) return deepest;
    for (const child of Array.isArray(item) ? item : Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** BAD_USER_INPUT (HTTP 400) for variables nested deeper than MAX_VARIABLE_DEPTH, or null. */
export function variableDepthError(variables: Record<string, unknown> | null | undefined): GraphQLError | null {
  if (!variables || jsonDepth(variables) <= MAX_VARIABLE_DEPTH) return null;
  return new GraphQLError(`Variables nest deeper than ${MAX_VARIABLE_DEPTH} levels`, {
    extensions: { code: 'BAD_USER_INPUT', fields: ['variables'], http: { status: 400 } },
  });
}

/** Verdicts kept per parsed document: at most this many variable sets each. */
const VERDICTS_PER_DOCUMENT = 64;

/**
 * Refuses operations deeper or costlier than the configured limits before they run. Apollo keeps
 * one parsed document per query text, and clients repeat the same queries with the same variables
 * (polling, dashboards), so each verdict is kept with its document: measuring a query walks all of
 * it, a few percent of a search request's CPU.
 */
export function queryLimitsPlugin(
  limits: QueryLimits,
  schemaAccess?: SchemaAccessCheck,
  logRefusal: (what: string, details: Record<string, unknown>) => void = () => undefined,
): ApolloServerPlugin {
  const verdicts = new WeakMap<DocumentNode, Map<string, GraphQLError | null>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, schema, contextValue }) {
          // First: everything below (and the variables' coercion) walks the variables recursively.
          const tooDeep = variableDepthError(request.variables);
          if (tooDeep) {
            const requestId = requestIdOf((contextValue as { req?: unknown } | undefined)?.req);
            logRefusal('graphql variables refused', { ...(requestId ? { requestId } : {}), reason: tooDeep.message, operationName: request.operationName ?? null });
            throw tooDeep;
          }
          if (schemaAccess && asksForSchema(document)) await schemaAccess(request.http?.headers.get('authorization') ?? undefined);
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
