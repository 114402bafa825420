import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLError, getOperationAST, getVariableValues, isScalarType, parse, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { AppConfig } from '../config/app-config.js';
import { graphiqlLandingPagePlugin } from './graphiql/graphiql-landing-page.plugin.js';
import type { Metrics } from '../observability/metrics.js';
import { CalendarDateTime } from './calendar-date-time.scalar.js';
import { guardSchemaInputs } from './input-guard.js';
import { queryLimitError, queryLimitsPlugin, variableDepthError, type OperationAdmission, type SchemaAccessCheck } from './query-limits.plugin.js';
import type { JsonLogger } from '../observability/json-logger.js';

/** The Federation spec Windward's subgraph schema links to, and the directives it imports. */
export const FEDERATION: { version: 2; importUrl: string; directives: string[] } = {
  version: 2,
  importUrl: 'https://specs.apollo.dev/federation/v2.3',
  directives: ['@key', '@shareable', '@external', '@requires', '@provides', '@tag', '@inaccessible', '@override'],
};

/** Codes whose messages are written by us or by GraphQL validation, and so are safe to show. */
const SAFE_CODES = new Set([
  'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT', 'SIGNATURE_INVALID',
  'DECRYPTION_FAILED', 'KEY_REVOKED', 'RATE_LIMITED', 'QUERY_TOO_COMPLEX', 'INTERNAL_SERVER_ERROR',
  'SERVICE_UNAVAILABLE', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE', 'BAD_REQUEST',
]);

/** graphql-js gives up on variables after 50 bad values with an error of its own, which carries no code. */
const TOO_MANY_VARIABLE_ERRORS = /^Too many errors processing variables/;

/** The last line of defence: nothing but a message and a known code leaves the server. */
export function formatError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const { stacktrace: _stack, exception: _exception, http: _http, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
  const given = typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR';
  // Apollo labels that error INTERNAL_SERVER_ERROR; it is the caller's input.
  const code = given === 'INTERNAL_SERVER_ERROR' && TOO_MANY_VARIABLE_ERRORS.test(formatted.message) ? 'BAD_USER_INPUT' : given;
  if (!SAFE_CODES.has(code)) return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  // An internal error's own message may name tables, SQL or hosts; only ours (with a request id) is shown.
  if (code === 'INTERNAL_SERVER_ERROR' && !formatted.message.startsWith('Internal server error')) {
    return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code } };
  }
  return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { ...extensions, code } };
}

/**
 * formatError without graphql-js's suggestions ("Did you mean \"codeName\"?"), which validation and
 * the coercion of variables add: where introspection needs credentials, they would map the schema's
 * fields and enum values for anyone who guesses near them.
 */
export function formatErrorWithoutSuggestions(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const result = formatError(formatted);
  return { ...result, message: result.message.replace(/ ?Did you mean [^?]*\?/g, '') };
}

function metricsPlugin(metrics: Metrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, errors }) {
          metrics.graphqlOperations.inc({ type: operation?.operation ?? 'unknown', outcome: errors?.length ? 'error' : 'ok' });
        },
      };
    },
  };
}

/**
 * Answers are per reader and may carry intelligence: no shared or browser cache may keep them.
 * (This replaces Apollo's cache-control plugin, which computed a cache policy for every resolved
 * field only to find no hints.)
 */
function noStorePlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          response.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  };
}

/**
 * Over HTTP, Apollo reports an invalid document as GRAPHQL_VALIDATION_FAILED and variables of the
 * wrong type as BAD_USER_INPUT; graphql-ws reports them without a code, which would make them
 * internal errors. The same checks here give them their codes.
 */
function subscriptionInputErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): GraphQLError[] | undefined {
  const invalid = validate(schema, document);
  if (invalid.length) return invalid.map((error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
  const operation = getOperationAST(document, operationName);
  if (!operation) return [new GraphQLError('Unknown operation', { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })];
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 10 });
  if (coerced.errors) return coerced.errors.map((error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'BAD_USER_INPUT' } }));
  return undefined;
}

/** Over a WebSocket there is no response to take `extensions.http` (status, headers) off the error. */
function socketError(error: unknown): GraphQLError {
  if (!(error instanceof GraphQLError)) return new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, { extensions });
}

/** Checks a WebSocket connection's credentials; throws to refuse the connection. */
export type ConnectionAuthenticator = (headers: SocketHeaders) => Promise<unknown>;

/** What a WebSocket connection presents as credentials, shaped like an HTTP request's headers. */
export interface SocketHeaders {
  authorization?: string;
  cookie?: string;
  'x-csrf-token'?: string;
  /** Whether the browser came over HTTPS, as the proxy in front says: which session cookie to read. */
  'x-forwarded-proto'?: string;
}

/**
 * Keeps authenticated WebSocket connections so that a change of their user's access closes them
 * (alerts/live-connections.service.ts); resolves once such changes will be heard.
 */
export type ConnectionTracker = (socket: { close(code: number, reason: string): void; once(event: 'close', listener: () => void): unknown }, principal: unknown) => Promise<void>;

function socketOf(ctx: SocketContext): Parameters<ConnectionTracker>[0] | undefined {
  const socket = (ctx.extra as { socket?: unknown } | undefined)?.socket as Parameters<ConnectionTracker>[0] | undefined;
  return socket && typeof socket.close === 'function' && typeof socket.once === 'function' ? socket : undefined;
}

/** The state graphql-ws keeps per connection (only what is read here). */
interface SocketContext {
  connectionParams?: Readonly<Record<string, unknown>>;
  extra: unknown;
  subscriptions: unknown;
}

function isSocketContext(value: unknown): value is SocketContext {
  return typeof value === 'object' && value !== null && 'extra' in value && 'subscriptions' in value;
}

/** The same credentials as over HTTP, sent in connection_init: `{ "Authorization": "Bearer …" }`. */
function socketAuthorization(ctx: SocketContext): string | undefined {
  const value = ctx.connectionParams?.Authorization ?? ctx.connectionParams?.authorization;
  return typeof value === 'string' ? value : undefined;
}

/**
 * The connection's credentials: an Authorization in connection_init, or else the console's session
 * cookie from the upgrade request together with the CSRF token sent in connection_init.
 */
function socketHeaders(ctx: SocketContext): SocketHeaders {
  const authorization = socketAuthorization(ctx);
  if (authorization) return { authorization };
  const request = (ctx.extra as { request?: { headers?: Record<string, string | string[] | undefined> } } | undefined)?.request;
  const cookie = request?.headers?.cookie;
  const csrf = ctx.connectionParams?.csrfToken;
  // Behind HTTPS the cookie is the __Host- one, read only when the proxy says HTTPS (sessionIdOf).
  const proto = request?.headers?.['x-forwarded-proto'];
  return {
    cookie: typeof cookie === 'string' ? cookie : undefined,
    'x-csrf-token': typeof csrf === 'string' ? csrf : undefined,
    'x-forwarded-proto': typeof proto === 'string' ? proto : undefined,
  };
}

/**
 * Subscriptions over graphql-transport-ws on /graphql. A connection without valid credentials is
 * closed (4403) at connection_init; each operation then goes through the global guard like an HTTP
 * request, its `req` carrying the connection's credentials; and the HTTP query limits and the
 * admission apply too. `requests` hands the `req` the admission was decided on to the operation's
 * context (graphql-ws passes both hooks the same payload object).
 */
function subscriptionOptions(
  config: AppConfig, authenticate: ConnectionAuthenticator, schema: () => GraphQLSchema | undefined,
  requests: WeakMap<object, { headers: SocketHeaders }>, track?: ConnectionTracker, admit?: OperationAdmission,
): ApolloDriverConfig['subscriptions'] {
  return {
    'graphql-ws': {
      path: '/graphql',
      connectionInitWaitTimeout: 10_000,
      onConnect: async (ctx) => {
        try {
          const headers = socketHeaders(ctx as SocketContext);
          const principal = await authenticate(headers);
          const socket = socketOf(ctx as SocketContext);
          if (track && socket) {
            await track(socket, principal);
            // Once tracked, a revocation closes the socket; one committed in between is caught here.
            await authenticate(headers);
          }
          return true;
        } catch {
          return false;
        }
      },
      onSubscribe: async (ctx, _id, payload) => {
        const current = schema();
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          // Answered here, as over HTTP: left to graphql-ws, its own parse throws, and it closes the
          // whole connection (4500) with every other subscription on it.
          const message = error instanceof GraphQLError ? error.message : 'Syntax Error';
          return [new GraphQLError(message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
        }
        const error = variableDepthError(payload.variables) ?? (current ? queryLimitError(current, document, payload.operationName, payload.variables, config.graphql) : null);
        if (error) return [socketError(error)];
        const invalid = current ? subscriptionInputErrors(current, document, payload.operationName, payload.variables) : undefined;
        if (invalid || !admit) return invalid;
        // Answered as an error of this operation: thrown, graphql-ws would close the whole connection.
        const request = { headers: socketHeaders(ctx as SocketContext) };
        try {
          await admit(request);
        } catch (refusal) {
          return [socketError(refusal)];
        }
        requests.set(payload, request);
        return undefined;
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!result.errors?.length) return undefined;
        return { ...result, errors: result.errors.map((error) => formatError(error.toJSON())) };
      },
    },
  };
}

/**
 * The federated schema is rebuilt from the printed SDL, and its DateTime is then Nest's lenient
 * one whatever scalarsMap says: the strict behaviour is put onto the schema's own DateTime here.
 */
function useCalendarDateTime(built: GraphQLSchema): GraphQLSchema {
  const dateTime = built.getType('DateTime');
  if (isScalarType(dateTime)) {
    dateTime.parseValue = CalendarDateTime.parseValue;
    dateTime.parseLiteral = CalendarDateTime.parseLiteral;
    dateTime.serialize = CalendarDateTime.serialize;
  }
  return built;
}

/**
 * In production the schema (introspection, and `_service`, the SDL a federation gateway reads) is
 * for authenticated callers only: an anonymous caller learns nothing of it and cannot have the
 * server render it for them. Elsewhere it stays open for development tools.
 */
function schemaAccessCheck(config: AppConfig, authenticate?: ConnectionAuthenticator): SchemaAccessCheck | undefined {
  if (config.nodeEnv !== 'production') return undefined;
  return async (authorization) => {
    try {
      if (!authenticate || !authorization) throw new Error('no credentials');
      await authenticate({ authorization });
    } catch {
      throw new GraphQLError('Introspection and _service need credentials', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
    }
  };
}

export function graphqlOptions(
  config: AppConfig, metrics: Metrics, authenticate?: ConnectionAuthenticator, logger?: JsonLogger, track?: ConnectionTracker, admit?: OperationAdmission,
): ApolloDriverConfig {
  let schema: GraphQLSchema | undefined;
  const socketRequests = new WeakMap<object, { headers: SocketHeaders }>();
  return {
    ...(authenticate
      ? {
          subscriptions: subscriptionOptions(config, authenticate, () => schema, socketRequests, track, admit),
          // Over WebSocket there is no HTTP request: the guard reads the connection's credentials
          // here, from a `req` made for each operation (the one its admission was decided on).
          context: (arg: unknown, _id?: unknown, payload?: unknown) =>
            isSocketContext(arg) ? { req: (typeof payload === 'object' && payload !== null && socketRequests.get(payload)) || { headers: socketHeaders(arg) } } : undefined,
        }
      : {}),
    // Every argument is checked by its type before any resolver runs (input-guard.ts).
    transformSchema: (built: GraphQLSchema) => (schema = guardSchemaInputs(useCalendarDateTime(built))),
    // DateTime that only takes real calendar dates (the default one rolls 30 February over to March).
    buildSchemaOptions: { scalarsMap: [{ type: Date, scalar: CalendarDateTime }] },
    // A Federation 2 subgraph (entities carry @key). The spec version is pinned to v2.3 rather than
    // the newest @nestjs/graphql links (v2.14) so that partners on older routers and composition
    // can still compose it; Windward uses only @key and @shareable.
    autoSchemaFile: { federation: FEDERATION },
    sortSchema: true,
    path: '/graphql',
    // Field resolvers' errors go through the same exception filter as queries and mutations.
    fieldResolverEnhancers: ['filters'],
    graphiql: false, // Nest's and Apollo's pages load from CDNs; ours is served locally
    includeStacktraceInErrorResponses: false,
    // Nest would reset every execution error's HTTP status to 200; the only status Windward sets
    // on one is 503 (SERVICE_UNAVAILABLE, with Retry-After), which clients and proxies must see.
    preserveHttpStatusForExecutionErrors: false,
    csrfPrevention: true,
    introspection: true,
    // Where introspection needs credentials, validation errors must not map the schema either
    // ("Did you mean …" names fields to anyone who guesses near them).
    hideSchemaDetailsFromClientErrors: config.nodeEnv === 'production',
    formatError: config.nodeEnv === 'production' ? formatErrorWithoutSuggestions : formatError,
    // No inline (ftv1) traces to gateways: they carry raw resolver errors, before formatError.
    plugins: [
      graphiqlLandingPagePlugin(),
      queryLimitsPlugin(config.graphql, schemaAccessCheck(config, authenticate), (what, details) => logger?.event('warn', what, details), admit),
      metricsPlugin(metrics), noStorePlugin(),
      ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(),
    ],
  };
}
