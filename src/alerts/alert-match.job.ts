import { Injectable } from '@nestjs/common';
import { JobHandlerFor, type JobContext, type JobHandler, type JobPayloads } from '../jobs/job-registry.js';
import { AlertMatcher, type AlertMatchResult } from './alert-matcher.service.js';

/** `alerts.match`: see AlertMatcher. */
@Injectable()
@JobHandlerFor('alerts.match')
export class AlertMatchJobHandler implements JobHandler<'alerts.match'> {
  constructor(private readonly matcher: AlertMatcher) {}

  handle(payload: JobPayloads['alerts.match'], context: JobContext): Promise<AlertMatchResult> {
    return this.matcher.match(payload, context.jobId);
  }
}
