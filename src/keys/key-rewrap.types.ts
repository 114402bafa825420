import { createHash } from 'node:crypto';

export const KEY_REWRAP_TRIGGERS = ['REGISTERED', 'COMPROMISED'] as const;
export type KeyRewrapTrigger = (typeof KEY_REWRAP_TRIGGERS)[number];

export const KEY_REWRAP_STATES = ['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED'] as const;
export type KeyRewrapState = (typeof KEY_REWRAP_STATES)[number];

/** Payload of the `keys.rewrap` job. */
export interface KeyRewrapPayload {
  agencyCode: string;
  /** The key that was registered, or revoked as compromised. */
  fingerprint: string;
  trigger: KeyRewrapTrigger;
  /** For a key registered again with something new (a renewed subkey): that copy, so its grant runs too. */
  revision?: string;
}

declare module '../jobs/job-registry.js' {
  interface JobPayloads {
    /** Moves an agency's wrapped session keys to its current key after a rotation or a compromise. */
    'keys.rewrap': KeyRewrapPayload;
  }
}

/** Counts reported as job progress while running and returned as the job's result. */
export interface KeyRewrapProgress {
  targetFingerprint: string | null;
  total: number;
  done: number;
  rewrapped: number;
  removed: number;
  skipped: number;
  /** Reports the agency was entitled to but held no key for, now wrapped for the target key. */
  granted?: number;
}

/** The revision of a stored key's copy that names its renewal's job: the same text, the same job. */
export function keyRevision(armored: string): string {
  return createHash('sha256').update(armored).digest('hex').slice(0, 16);
}

/**
 * One event, one job: a key is registered once (and once more per renewed copy) and revoked once,
 * so this id is deterministic and a repeated request (a retried mutation, an idempotent
 * re-registration) enqueues nothing new. BullMQ refuses ':' in custom ids.
 */
export function keyRewrapJobId(payload: Pick<KeyRewrapPayload, 'agencyCode' | 'fingerprint' | 'trigger' | 'revision'>): string {
  return `rewrap-${payload.agencyCode}-${payload.fingerprint}-${payload.trigger.toLowerCase()}${payload.revision ? `-${payload.revision}` : ''}`;
}
