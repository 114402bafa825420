import type { EntityManager, QueryDeepPartialEntity } from 'typeorm';
import { SeizureChangeEntity } from '../data/seizure-change.entity.js';
import { SeizureVersionEntity } from '../data/seizure-version.entity.js';
import type { SeizureEntity } from '../data/seizure.entity.js';
import type { PreparedSection } from './sealed-section.service.js';

/** One committed change of a report, as written to the seizure_changes log. */
export interface SeizureChangeEvent {
  seizureId: string;
  /** The change's seq in seizure_changes. */
  changeSeq: string;
  version: number;
  change: string;
  /** The request that made the change, for the log lines its listeners write. */
  requestId?: string;
}

/** The facts a version snapshot keeps (never the sensitive section). */
export const FACT_COLUMNS: readonly (keyof SeizureEntity)[] = [
  'reference', 'reportingAgency', 'status', 'tlp', 'releasableTo', 'releasableToUsers', 'seizedAt', 'country', 'locationName', 'locationUnlocode',
  'latitude', 'longitude', 'transportMode', 'commodityCategory', 'commodityType', 'commodityDescription', 'quantityValue', 'quantityUnit',
  'valueAmount', 'valueCurrency', 'concealment', 'detectionMethod', 'routeOrigin', 'routeTransit', 'routeDestination', 'operationId', 'operationLinkBasis',
  'operationAudience',
  'conveyanceType', 'conveyanceIdentifier', 'evaluationScheme', 'evaluationSource', 'evaluationInformation', 'handlingCode',
  'handlingConditions', 'retractionReason',
];

/** The facts of a report as a version keeps them: dates as ISO strings. */
export function snapshot(entity: SeizureEntity): Record<string, unknown> {
  return Object.fromEntries(FACT_COLUMNS.map((column) => [column, entity[column] instanceof Date ? (entity[column] as Date).toISOString() : entity[column]]));
}

/** Records one version of a report: who changed which fields, and the facts after the change. */
export async function recordVersion(manager: EntityManager, row: SeizureEntity, change: string, changedBy: string, changedFields: string[]): Promise<void> {
  const version = manager.create(SeizureVersionEntity, { seizureId: row.id, version: row.version, change, changedBy, changedFields });
  version.snapshot = snapshot(row);
  // An insert, not a save: the version is new by construction, and save() would first look it up.
  // The jsonb snapshot is a plain object, which TypeORM's deep-partial type cannot express.
  await manager.insert(SeizureVersionEntity, version as QueryDeepPartialEntity<SeizureVersionEntity>);
}

/**
 * Appends the change to the seizure_changes log that feeds and alerts read. Its insert trigger
 * takes the lock that orders the log and the audit chain until commit (migration
 * 1795477869771): write everything else of the transaction before it, so that concurrent writers
 * wait for as short a time as possible.
 */
export async function logChange(manager: EntityManager, row: SeizureEntity, change: string): Promise<SeizureChangeEvent> {
  const logged = await manager.insert(SeizureChangeEntity, { seizureId: row.id, version: row.version, change });
  return { seizureId: row.id, changeSeq: String(logged.identifiers[0].seq), version: row.version, change };
}

/** The new report's version, change log entry and, when it has one, sealed section with its recipients. */
const NEW_REPORT = (withSection: boolean): string => `
  WITH version AS (
    INSERT INTO seizure_versions (seizure_id, version, change, changed_by, changed_fields, snapshot)
    VALUES ($1::uuid, $2::int, $3::varchar, $4::uuid, $5::text[], $6::jsonb)
  )${withSection ? `, section AS (
    INSERT INTO sealed_sections (seizure_id, payload) VALUES ($1::uuid, $7::bytea)
  ), recipients AS (
    INSERT INTO section_recipients (seizure_id, recipient, key_fingerprint, pkesk)
    SELECT $1::uuid, r.recipient, r.key_fingerprint, r.pkesk FROM unnest($8::varchar[], $9::varchar[], $10::bytea[]) AS r (recipient, key_fingerprint, pkesk)
  )` : ''}
  INSERT INTO seizure_changes (seizure_id, version, change) VALUES ($1::uuid, $2::int, $3::varchar) RETURNING seq`;
const NEW_REPORT_WITH_SECTION = NEW_REPORT(true);
const NEW_REPORT_WITHOUT_SECTION = NEW_REPORT(false);

/**
 * What recordVersion, SealedSectionService.store and logChange write for a new report, in one
 * statement instead of four (a new report has no section recipients to delete and no section to
 * replace). The change log's insert takes the lock that serialises writers (see logChange); it is
 * the main statement, so the lock is held from this statement on, as when it came last of four.
 */
export async function recordNewReport(
  manager: EntityManager, row: SeizureEntity, changedBy: string, section: PreparedSection | undefined,
): Promise<SeizureChangeEvent> {
  const change = 'SUBMITTED';
  const common = [row.id, row.version, change, changedBy, ['*'], JSON.stringify(snapshot(row))];
  const [logged] = (await (section
    ? manager.query(NEW_REPORT_WITH_SECTION, [
      ...common,
      section.payload,
      section.recipients.map((r) => r.recipient),
      section.recipients.map((r) => r.keyFingerprint),
      section.recipients.map((r) => r.pkesk),
    ])
    : manager.query(NEW_REPORT_WITHOUT_SECTION, common))) as { seq: string }[];
  return { seizureId: row.id, changeSeq: String(logged.seq), version: row.version, change };
}
