import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService, auditFromContext, type AuditEventInput } from '../../audit/audit.service.js';
import type { RequestContext } from '../../access/request-context.js';
import { SEIZURE_DISCLOSABLE_FIELDS } from './seizure-fields.js';
import type { SeizureView } from './seizure-view.js';

/**
 * Records who opened a report and which of its fields they were shown, so the owner agency's
 * administrators can see it in auditTrail. Opening the sensitive section is recorded apart, when
 * it is actually decrypted.
 */
@Injectable()
export class SeizureReadAudit {
  constructor(private readonly audit: AuditService) {}

  async recordRead(ctx: RequestContext, view: SeizureView): Promise<void> {
    await this.audit.appendForRequest(ctx, readEvent(ctx, view));
  }

  /** The same events, appended in the caller's transaction with one lock and one INSERT (a change-feed page records all its reads at once). */
  async recordReadsIn(manager: EntityManager, ctx: RequestContext, views: readonly SeizureView[], via: string): Promise<void> {
    await this.audit.appendMany(manager, views.map((view) => readEvent(ctx, view, { via })));
  }
}

/** A read: the report, its owner and exactly the fields the reader was shown. */
function readEvent(ctx: RequestContext, view: SeizureView, details: Record<string, string> = {}): AuditEventInput {
  return auditFromContext(ctx, {
    action: 'seizure.read',
    resourceType: 'Seizure',
    resourceId: view.id,
    resourceAgency: view.reportingAgencyCode,
    fields: SEIZURE_DISCLOSABLE_FIELDS.filter((field) => view.permitted.has(field)),
    details: { tlp: view.tlp, version: view.version, ...details },
  });
}
