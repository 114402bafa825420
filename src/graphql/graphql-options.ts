import type { ApolloServerPlugin } from '@apollo/server';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import type { GraphQLFormattedError } from 'graphql';
import type { AppConfig } from '../config/app-config.js';
import { graphiqlLandingPagePlugin } from '../graphiql/graphiql-landing-page.plugin.js';
import type { Metrics } from '../observability/metrics.js';
import { queryLimitsPlugin } from './query-limits.plugin.js';

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

export function graphqlOptions(config: AppConfig, metrics: Metrics): ApolloDriverConfig {
  return {
    autoSchemaFile: true,
    sortSchema: true,
    path: '/graphql',
    graphiql: false, // Nest's and Apollo's pages load from CDNs; ours is served locally
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    introspection: true,
    formatError,
    plugins: [graphiqlLandingPagePlugin(), queryLimitsPlugin(config.graphql), metricsPlugin(metrics)],
  };
}
