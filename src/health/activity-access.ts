import { createHash, timingSafeEqual } from 'node:crypto';
import type { AppConfig } from '../config/app-config.js';

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
