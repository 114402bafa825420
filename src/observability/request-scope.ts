/**
 * The request id (x-request-id, or one Fastify made) is read from the request itself, by whoever
 * holds the request: the guard puts it in the RequestContext, the exception filter into internal
 * errors and their log lines, the request log line carries it.
 *
 * It was an AsyncLocalStorage. On Node 20 and 22 that installs a promise hook for every promise of
 * the process once entered, and a search request makes about 180 promises: the hook cost a tenth
 * of the request's CPU and its extra fields on every promise added to garbage collection.
 */
export function requestIdOf(request: unknown): string | undefined {
  const id = (request as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' && id ? id : undefined;
}
