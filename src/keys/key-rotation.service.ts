import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../access/request-context.js';
import { NotFoundError } from '../errors/domain-error.js';
import { JobsService } from '../jobs/jobs.service.js';
import type { KeyRotationStatusModel } from './agency-key.model.js';
import { AgencyKeysService } from './agency-keys.service.js';
import { keyRevision, keyRewrapJobId, type KeyRewrapPayload, type KeyRewrapProgress, type KeyRewrapState, type KeyRewrapTrigger } from './key-rewrap.types.js';

/**
 * The producer side of `keys.rewrap`: queues the re-wrap a key event calls for and reports its
 * progress to the agency's administrators. (The work itself is KeyRewrapService, in the worker.)
 */
@Injectable()
export class KeyRotationService {
  constructor(
    private readonly jobs: JobsService,
    private readonly agencyKeys: AgencyKeysService,
  ) {}

  /** Queues the re-wrap an event calls for; the same event queued twice is one job. */
  enqueue(payload: KeyRewrapPayload): Promise<string> {
    return this.jobs.enqueue('keys.rewrap', payload, { jobId: keyRewrapJobId(payload) });
  }

  /** Re-wrap progress of one of the caller's own keys; null when no re-wrap was ever queued for it. */
  async status(ctx: RequestContext, fingerprint: string): Promise<KeyRotationStatusModel | null> {
    const key = await this.agencyKeys.findByFingerprint(fingerprint);
    if (!key || key.agencyCode !== ctx.principal.agencyCode) throw new NotFoundError('Key');
    // The later event wins: a key revoked as compromised reports that re-wrap; a key registered
    // again with something new (a renewal) reports the grant of its stored copy as it is now, the
    // job registration queued for that copy, before the first registration's.
    const candidates: { trigger: KeyRewrapTrigger; revision?: string }[] = [
      ...(key.revocationReason === 'COMPROMISED' ? [{ trigger: 'COMPROMISED' as const }] : []),
      { trigger: 'REGISTERED', revision: keyRevision(key.armored) },
      { trigger: 'REGISTERED' },
    ];
    for (const { trigger, revision } of candidates) {
      const job = await this.consistentJobState(keyRewrapJobId({ agencyCode: key.agencyCode, fingerprint: key.fingerprint, trigger, revision }));
      if (!job) continue;
      const counts = readProgress(job.state === 'completed' ? job.result : job.progress);
      return {
        fingerprint: key.fingerprint,
        trigger,
        state: stateOf(job.state),
        targetFingerprint: counts.targetFingerprint,
        progress: job.state === 'completed' ? 100 : counts.total === 0 ? 0 : Math.min(99, Math.floor((counts.done * 100) / counts.total)),
        total: counts.total,
        done: counts.done,
        rewrapped: counts.rewrapped,
        removed: counts.removed,
        skipped: counts.skipped,
        granted: counts.granted ?? 0,
        failedReason: job.state === 'failed' ? (job.failedReason ?? 'failed') : null,
      };
    }
    return null;
  }

  /**
   * The job is read, then its state: a job finishing in between reads as completed without its
   * result. Reading it again then sees both; until it does, it is reported as still running.
   */
  private async consistentJobState(jobId: string): Promise<Awaited<ReturnType<JobsService['jobState']>>> {
    for (let attempt = 0; ; attempt += 1) {
      const job = await this.jobs.jobState(jobId);
      if (!job || job.state !== 'completed' || (job.result !== null && typeof job.result === 'object')) return job;
      if (attempt === 2) return { ...job, state: 'active' };
    }
  }
}

function stateOf(bullState: string): KeyRewrapState {
  switch (bullState) {
    case 'completed':
      return 'COMPLETED';
    case 'failed':
      return 'FAILED';
    case 'active':
      return 'RUNNING';
    default:
      return 'QUEUED'; // waiting, delayed, prioritized, waiting-children
  }
}

function readProgress(value: unknown): KeyRewrapProgress {
  const source = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const count = (name: string) => (typeof source[name] === 'number' ? source[name] : 0);
  return {
    targetFingerprint: typeof source.targetFingerprint === 'string' ? source.targetFingerprint : null,
    total: count('total'),
    done: count('done'),
    rewrapped: count('rewrapped'),
    removed: count('removed'),
    skipped: count('skipped'),
    granted: count('granted'),
  };
}

