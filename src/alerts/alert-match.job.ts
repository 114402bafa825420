import { Injectable } from '@nestjs/common';
import type { JobContext, JobHandler, JobPayloads } from '../jobs/job-registry.js';
import { AlertMatcher, type AlertMatchResult } from './alert-matcher.service.js';

/** `alerts.match`: see AlertMatcher. */
@Injectable()
export class AlertMatchJobHandler implements JobHandler<'alerts.match'> {
  readonly jobName = 'alerts.match' as const;

  constructor(private readonly matcher: AlertMatcher) {}

  handle(payload: JobPayloads['alerts.match'], context: JobContext): Promise<AlertMatchResult> {
    return this.matcher.match(payload, context.jobId);
  }
}
