import type { Principal } from '../access/principal.js';
import type { AlertEntity } from './alert.entity.js';

/**
 * Who stopped an alert, as its owner is told: a kind of actor, never a person. The owner knows
 * themselves; of an administrator they learn only whether the stop came from inside the agency the
 * alert was made in or from the platform's administrators, which the rules that allowed the stop
 * (policies.yaml, Alert) tell apart anyway.
 */
export const ALERT_STOPPERS = ['OWNER', 'AGENCY_ADMINISTRATOR', 'PLATFORM_ADMINISTRATOR'] as const;
export type AlertStopper = (typeof ALERT_STOPPERS)[number];

/** The kind of actor `principal` is when stopping `alert`. */
export function stopperOf(principal: Pick<Principal, 'userId' | 'agencyCode'>, alert: Pick<AlertEntity, 'userId' | 'agencyCode'>): AlertStopper {
  if (principal.userId === alert.userId) return 'OWNER';
  // An agency's administrator may stop only its own agency's alerts; anyone else who may is a
  // platform administrator. Where one person is both, the agency is the nearer answer.
  return principal.agencyCode === alert.agencyCode ? 'AGENCY_ADMINISTRATOR' : 'PLATFORM_ADMINISTRATOR';
}
