import type { EntityManager } from 'typeorm';
import type { AuditEventInput, AuditService } from '../audit/audit.service.js';

/**
 * Tells the owners of server-blind reports sealed to a key just revoked as COMPROMISED: one
 * `seizure.reseal-needed` audit event per report, visible to the report's agency (the server
 * cannot re-wrap such a section; its owner must re-seal it). Once per report and key, so a retried
 * job or a repeated revocation adds nothing. Returns how many reports were concerned.
 */
export async function recordResealNeeded(
  manager: EntityManager,
  audit: AuditService,
  actor: Pick<AuditEventInput, 'actor' | 'actorEmail' | 'agency'>,
  fingerprint: string,
): Promise<number> {
  const reports = (await manager.query(
    `SELECT DISTINCT s.id, s.reporting_agency FROM seizures s JOIN section_recipients r ON r.seizure_id = s.id
      WHERE s.server_blind AND s.status <> 'RETRACTED' AND r.key_fingerprint = $1
        AND NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.action = 'seizure.reseal-needed' AND a.resource_id = s.id AND a.details->>'fingerprint' = $1)
      LIMIT 10000`,
    [fingerprint],
  )) as { id: string; reporting_agency: string }[];
  for (const report of reports) {
    await audit.append(manager, {
      ...actor,
      action: 'seizure.reseal-needed',
      resourceType: 'Seizure',
      resourceId: report.id,
      resourceAgency: report.reporting_agency,
      details: { fingerprint, reason: 'a recipient key was revoked as COMPROMISED; the server cannot re-wrap a server-blind section: re-seal it with updateSeizure(sensitive)' },
    });
  }
  return reports.length;
}
