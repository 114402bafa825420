import { createHash, timingSafeEqual } from 'node:crypto';
import type { AppConfig } from '../config/app-config.js';
import type { Readiness } from './readiness.js';

export type ActivityAccess = 'granted' | 'no-token' | 'not-served';

/**
 * Whether a request may read the platform-wide activity counts: GET /metrics (requests, GraphQL
 * operations, jobs by name) and the job counts of GET /health. Anyone who reaches the API port
 * could otherwise count the submissions and changes of every agency, hidden ones included. With
 * METRICS_TOKEN set they need it as a bearer token; without, they are open in development and
 * not served in production.
 */
export function activityAccess(config: Pick<AppConfig, 'nodeEnv' | 'metrics'>, authorization: string | undefined): ActivityAccess {
  const token = config.metrics.token;
  if (!token) return config.nodeEnv === 'production' ? 'not-served' : 'granted';
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (!presented) return 'no-token';
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(token)) ? 'granted' : 'no-token';
}

/** A /health body without the queue's job counts, for those who may not read the activity counts. */
export function withoutActivity(body: Readiness['body']): Readiness['body'] {
  return { ...body, queue: { ok: body.queue.ok, ...(body.queue.detail ? { detail: body.queue.detail } : {}) } };
}

/** How GET /metrics is refused: not served at all (production without a token), or the token missing. */
export const METRICS_REFUSAL: Record<Exclude<ActivityAccess, 'granted'>, { status: number; headers: Record<string, string>; body: string }> = {
  'not-served': {
    status: 404,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ error: { code: 'NOT_FOUND', message: 'GET /metrics is served in production only with METRICS_TOKEN set, as a bearer token' } }),
  },
  'no-token': {
    status: 401,
    headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer' },
    body: JSON.stringify({ error: { code: 'UNAUTHENTICATED', message: 'GET /metrics needs the METRICS_TOKEN as a bearer token' } }),
  },
};
