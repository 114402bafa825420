import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, getOperationAST, getVariableValues, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type SelectionSetNode } from 'graphql';
import { getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { requestIdOf } from '../observability/request-scope.js';

/** The fragments a document defines, by name. */
function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

/**
 * `measure` of each fragment, computed once: a document of a few lines can spread a fragment that
 * spreads another twice, and so on, millions of times, and walking every spread would hold the
 * process for minutes before any limit could refuse it. A fragment met again while it is being
 * measured (a cycle, which validation rejects) counts as `empty`.
 */
function fragmentMeasures<T>(document: DocumentNode, empty: T, measure: (fragment: FragmentDefinitionNode) => T): (name: string) => T {
  const fragments = fragmentsOf(document);
  const measured = new Map<string, T>();
  return (name) => {
    const known = measured.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    if (!fragment) return empty; // unknown: validation rejects it
    measured.set(name, empty);
    const value = measure(fragment);
    measured.set(name, value);
    return value;
  };
}

/** Deepest field nesting in an operation, following fragments (cycles are rejected by validation). */
export function operationDepth(document: DocumentNode, operationName?: string | null): number {
  const fragmentDepth = fragmentMeasures(document, 0, (fragment) => depthOf(fragment.selectionSet));
  function depthOf(selectionSet: SelectionSetNode | undefined): number {
    if (!selectionSet) return 0;
    let deepest = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue; // introspection is bounded by the schema
        deepest = Math.max(deepest, selection.selectionSet ? 1 + depthOf(selection.selectionSet) : 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, depthOf(selection.selectionSet));
      } else {
        deepest = Math.max(deepest, fragmentDepth(selection.name.value));
      }
    }
    return deepest;
  }
  let deepest = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName && definition.name?.value !== operationName) continue;
    deepest = Math.max(deepest, depthOf(definition.selectionSet));
  }
  return deepest;
}

/** Aliased fields and root fields of an operation, following fragments (each spread counted where used). */
export function operationBreadth(document: DocumentNode, operationName?: string | null): { aliases: number; rootFields: number } {
  interface Breadth { fields: number; aliases: number }
  const fragmentBreadth = fragmentMeasures<Breadth>(document, { fields: 0, aliases: 0 }, (fragment) => walk(fragment.selectionSet));
  // A selection set's fields at its own level, and its aliases at every level.
  function walk(selectionSet: SelectionSetNode | undefined): Breadth {
    const breadth = { fields: 0, aliases: 0 };
    if (!selectionSet) return breadth;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        breadth.fields += 1;
        breadth.aliases += (selection.alias ? 1 : 0) + walk(selection.selectionSet).aliases;
      } else {
        const inner = selection.kind === Kind.INLINE_FRAGMENT ? walk(selection.selectionSet) : fragmentBreadth(selection.name.value);
        breadth.fields += inner.fields;
        breadth.aliases += inner.aliases;
      }
    }
    return breadth;
  }
  let aliases = 0;
  let rootFields = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName && definition.name?.value !== operationName) continue;
    const breadth = walk(definition.selectionSet);
    aliases += breadth.aliases;
    rootFields += breadth.fields;
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

/**
 * Selections (fields, and fragments, counted as often as they are spread) that the complexity is
 * computed over at most, past which graphql-query-complexity gives up: this, or twice the
 * complexity limit when that is higher (every field costs at least 1, so a query within the limit
 * is measured whole).
 */
export const MAX_MEASURED_FIELDS = 10_000;

/** QUERY_TOO_COMPLEX; `http` makes Apollo answer 400 (an error thrown by a plugin is otherwise a 500). */
function tooComplex(message: string, limit: number, actual?: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', limit, ...(actual === undefined ? {} : { actual }), http: { status: 400 } } });
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
  // Variables that do not coerce (or no operation to run): execution refuses them next, with
  // BAD_USER_INPUT naming the variable, before any resolver runs.
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation || getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 1 }).errors) return null;
  const measured = Math.max(MAX_MEASURED_FIELDS, 2 * limits.maxComplexity);
  let complexity: number;
  let representations = 0;
  try {
    complexity = getComplexity({
      schema,
      query: document,
      operationName: operationName ?? undefined,
      variables: variables ?? {},
      maxQueryNodes: measured,
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
    // Past what is measured (fragments spread again and again): refused, since let through it
    // would run with no complexity or representation limit at all.
    return tooComplex(`Query has more than ${measured} selections once its fragments are spread`, measured);
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

/**
 * Admits one GraphQL operation before it runs, or throws a GraphQLError to refuse it (the app binds
 * the partner rate limit here). `request` is the operation's `req`, the object its resolvers'
 * guards see, so that they find the decision already made for it. Asked of every operation within
 * the limits, not only of those that run a Nest resolver: introspection, `_service` and
 * `{ __typename }` run none, and so meet no guard.
 */
export type OperationAdmission = (request: object) => Promise<void>;

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
 * Refuses operations deeper or costlier than the configured limits before they run, and then asks
 * `admit` about the ones within them (in this order, so that the answer to an operation refused for
 * both does not depend on which check ends first). Apollo keeps one parsed document per query text,
 * and clients repeat the same queries with the same variables (polling, dashboards), so each verdict
 * is kept with its document: measuring a query walks all of it, a few percent of a search request's
 * CPU.
 */
export function queryLimitsPlugin(
  limits: QueryLimits,
  schemaAccess?: SchemaAccessCheck,
  logRefusal: (what: string, details: Record<string, unknown>) => void = () => undefined,
  admit?: OperationAdmission,
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
          const operationRequest = (contextValue as { req?: object } | undefined)?.req;
          if (admit && operationRequest) await admit(operationRequest);
        },
      };
    },
  };
}
