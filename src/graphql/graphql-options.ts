import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import { parse, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { AppConfig } from '../config/app-config.js';
import { graphiqlLandingPagePlugin } from '../graphiql/graphiql-landing-page.plugin.js';
import type { Metrics } from '../observability/metrics.js';
import { queryLimitError, queryLimitsPlugin } from './query-limits.plugin.js';

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
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE', 'BAD_REQUEST',
]);

/** The last line of defence: nothing but a message and a known code leaves the server. */
export function formatError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const { stacktrace: _stack, exception: _exception, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
  const code = typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR';
  if (!SAFE_CODES.has(code)) return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  // An internal error's own message may name tables, SQL or hosts; only ours (with a request id) is shown.
  if (code === 'INTERNAL_SERVER_ERROR' && !formatted.message.startsWith('Internal server error')) {
    return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code } };
  }
  return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { ...extensions, code } };
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

/** Checks a WebSocket connection's credentials; throws to refuse the connection. */
export type ConnectionAuthenticator = (authorization: string | undefined) => Promise<unknown>;

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
 * Subscriptions over graphql-transport-ws on /graphql. A connection without valid credentials is
 * closed (4403) at connection_init; each operation then goes through the global guard like an HTTP
 * request, its `req` carrying the connection's credentials; and the HTTP query limits apply too.
 */
function subscriptionOptions(
  config: AppConfig, authenticate: ConnectionAuthenticator, schema: () => GraphQLSchema | undefined, track?: ConnectionTracker,
): ApolloDriverConfig['subscriptions'] {
  return {
    'graphql-ws': {
      path: '/graphql',
      connectionInitWaitTimeout: 10_000,
      onConnect: async (ctx) => {
        try {
          const authorization = socketAuthorization(ctx as SocketContext);
          const principal = await authenticate(authorization);
          const socket = socketOf(ctx as SocketContext);
          if (track && socket) {
            await track(socket, principal);
            // Once tracked, a revocation closes the socket; one committed in between is caught here.
            await authenticate(authorization);
          }
          return true;
        } catch {
          return false;
        }
      },
      onSubscribe: (_ctx, _id, payload) => {
        const current = schema();
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch {
          return undefined; // graphql-ws reports the syntax error itself
        }
        const error = current ? queryLimitError(current, document, payload.operationName, payload.variables, config.graphql) : null;
        return error ? [error] : undefined;
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!result.errors?.length) return undefined;
        return { ...result, errors: result.errors.map((error) => formatError(error.toJSON())) };
      },
    },
  };
}

export function graphqlOptions(config: AppConfig, metrics: Metrics, authenticate?: ConnectionAuthenticator, track?: ConnectionTracker): ApolloDriverConfig {
  let schema: GraphQLSchema | undefined;
  return {
    ...(authenticate
      ? {
          subscriptions: subscriptionOptions(config, authenticate, () => schema, track),
          // Over WebSocket there is no HTTP request: the guard reads the connection's credentials here.
          context: (arg: unknown) => (isSocketContext(arg) ? { req: { headers: { authorization: socketAuthorization(arg) } } } : undefined),
          transformSchema: (built: GraphQLSchema) => (schema = built),
        }
      : {}),
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
    csrfPrevention: true,
    introspection: true,
    formatError,
    // No inline (ftv1) traces to gateways: they carry raw resolver errors, before formatError.
    plugins: [
      graphiqlLandingPagePlugin(), queryLimitsPlugin(config.graphql), metricsPlugin(metrics), noStorePlugin(),
      ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(),
    ],
  };
}
