import type { EntityManager, QueryDeepPartialEntity } from 'typeorm';
import { SeizureChangeEntity } from '../data/seizure-change.entity.js';
import { SeizureVersionEntity } from '../data/seizure-version.entity.js';
import type { SeizureEntity } from '../data/seizure.entity.js';

/** One committed change of a report, as written to the seizure_changes log. */
export interface SeizureChangeEvent {
  seizureId: string;
  /** The change's seq in seizure_changes. */
  changeSeq: string;
  version: number;
  change: string;
}

/** The facts a version snapshot keeps (never the sensitive section). */
export const FACT_COLUMNS: readonly (keyof SeizureEntity)[] = [
  'reference', 'reportingAgency', 'status', 'tlp', 'releasableTo', 'releasableToUsers', 'seizedAt', 'country', 'locationName', 'locationUnlocode',
  'latitude', 'longitude', 'transportMode', 'commodityCategory', 'commodityType', 'commodityDescription', 'quantityValue', 'quantityUnit',
  'valueAmount', 'valueCurrency', 'concealment', 'detectionMethod', 'routeOrigin', 'routeTransit', 'routeDestination', 'operationId', 'operationLinkBasis',
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
