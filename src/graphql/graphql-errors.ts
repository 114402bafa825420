import { Catch, HttpException, type ArgumentsHost } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GqlArgumentsHost, type GqlExceptionFilter } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import { DatabaseOutage } from '../database/database-outage.js';
import { DomainError, RateLimitedError, ServiceUnavailableError, type ErrorCode } from '../errors/domain-error.js';
import { JsonLogger } from '../observability/json-logger.js';
import { requestIdOf } from '../observability/request-scope.js';

/** HTTP status that goes with each code when an error ends a plain HTTP request. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
  SIGNATURE_INVALID: 422,
  DECRYPTION_FAILED: 422,
  KEY_REVOKED: 422,
  RATE_LIMITED: 429,
  QUERY_TOO_COMPLEX: 400,
  SERVICE_UNAVAILABLE: 503,
};

/** The GraphQL form of a domain error: its code and its safe details in `extensions`. */
export function toGraphQLError(error: DomainError): GraphQLError {
  // Apollo Server takes `http` out of the extensions and applies it to the HTTP response.
  const http = error instanceof ServiceUnavailableError ? { http: { status: 503, headers: new Map([['retry-after', String(error.retryAfterSeconds)]]) } } : {};
  return new GraphQLError(error.message, { extensions: { code: error.code, ...error.details, ...http } });
}

/**
 * What a GraphQL caller is told of anything thrown: a domain error keeps its code, a database
 * outage is SERVICE_UNAVAILABLE (logged once by DatabaseOutage), anything else an internal error,
 * logged here with its stack and answered with no details but the request id. For the exception
 * filter and for resolvers Nest's filters do not reach (federation's `_entities`).
 */
export function graphqlErrorFor(thrown: unknown, requestId: string | undefined, logger: JsonLogger, outage: DatabaseOutage): GraphQLError {
  const exception = outage.noteFailure(thrown) ? new ServiceUnavailableError(outage.retryAfterSeconds) : thrown;
  if (exception instanceof DomainError) return toGraphQLError(exception);
  if (exception instanceof GraphQLError) return exception;
  logUnexpected(logger, exception, requestId);
  return internalError(requestId);
}

function logUnexpected(logger: JsonLogger, exception: unknown, requestId: string | undefined): void {
  logger.event('error', 'unexpected error', {
    ...(requestId ? { requestId } : {}),
    error: exception instanceof Error ? exception.message : String(exception),
    stack: exception instanceof Error ? exception.stack : undefined,
  });
}

/**
 * The one exception filter of the edge (GraphQL and the few plain HTTP routes). Domain errors keep
 * their code; anything else is an internal error: logged here with its stack, and reported to the
 * client with no details, so no stack trace, SQL or secret leaves the server.
 */
@Catch()
export class GraphqlExceptionFilter implements GqlExceptionFilter {
  constructor(
    private readonly logger: JsonLogger,
    private readonly outage: DatabaseOutage,
  ) {}

  catch(thrown: unknown, host: ArgumentsHost): GraphQLError | void {
    if (host.getType<string>() === 'graphql') {
      return graphqlErrorFor(thrown, requestIdOf(GqlArgumentsHost.create(host).getContext<{ req?: unknown }>()?.req), this.logger, this.outage);
    }
    // A database outage is logged once by DatabaseOutage, not once per request, and answered 503.
    const exception = this.outage.noteFailure(thrown) ? new ServiceUnavailableError(this.outage.retryAfterSeconds) : thrown;
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const answer = (status: number, code: string, message: string) => {
      void reply.header('vary', 'accept'); // the body's form depends on it
      if (prefersHtml(request)) void pageHeaders(reply).status(status).type('text/html; charset=utf-8').send(errorPage(status, code, message));
      else void reply.status(status).send({ error: { code, message } });
    };
    if (exception instanceof ServiceUnavailableError || exception instanceof RateLimitedError) {
      void reply.header('retry-after', String(exception.retryAfterSeconds));
    }
    if (exception instanceof HttpException) {
      const notFound = exception.getStatus() === 404;
      // Nest's "Cannot GET /<path>" would put any text a link carries on a Windward page.
      answer(exception.getStatus(), notFound ? 'NOT_FOUND' : 'BAD_REQUEST', notFound && prefersHtml(request) ? 'There is no such page.' : exception.message);
    } else if (exception instanceof DomainError) {
      answer(HTTP_STATUS[exception.code], exception.code, exception.message);
    } else {
      const requestId = requestIdOf(request);
      logUnexpected(this.logger, exception, requestId);
      answer(500, 'INTERNAL_SERVER_ERROR', internalError(requestId).message);
    }
  }
}

export function internalError(requestId?: string): GraphQLError {
  return new GraphQLError(`Internal server error${requestId ? ` (request ${requestId})` : ''}`, {
    extensions: { code: 'INTERNAL_SERVER_ERROR', ...(requestId ? { requestId } : {}) },
  });
}

/**
 * True for a browser navigation (its Accept header puts HTML first): the console's sign-in links
 * (/session/oidc and its callback) land on a page, not on JSON. API clients and the console's own
 * fetches ask for JSON or for anything, and get JSON.
 */
function prefersHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return typeof accept === 'string' && /^\s*text\/html\b/i.test(accept);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);

/** The page has no script, style, form or frame, and is never kept: everything else is refused. */
function pageHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store');
}

/** A plain page saying what went wrong, with the way back to the console's sign-in. No script, no style. */
function errorPage(status: number, code: string, message: string): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Windward: ${status} ${escapeHtml(code)}</title></head>`,
    '<body><main>',
    '<h1>Windward could not do this</h1>',
    `<p>${escapeHtml(message)}</p>`,
    `<p><small>${status} ${escapeHtml(code)}</small></p>`,
    '<p><a href="/">Back to the sign-in page</a></p>',
    '</main></body></html>',
  ].join('\n');
}
