import { AgencyEntity } from '../agencies/agency.entity.js';
import { AccessChangeEntity } from '../alerts/access-change.entity.js';
import { AlertDeliveryEntity, AlertEntity } from '../alerts/alert.entity.js';
import { AuditEventEntity } from '../audit/audit-event.entity.js';
import { ApiKeyEntity } from '../auth/api-key.entity.js';
import { FeedDisclosureEntity } from '../seizures/data/feed-disclosure.entity.js';
import { AgencyKeyEntity } from '../keys/agency-key.entity.js';
import { KeyChallengeEntity } from '../keys/key-challenge.entity.js';
import { UserKeyEntity } from '../keys/user-key.entity.js';
import { PlatformKeyEntity } from '../keys/platform-key.entity.js';
import { PlatformSecretEntity } from '../keys/platform-secret.entity.js';
import { OperationOutcomeEntity } from '../operations/reports/operation-outcome.entity.js';
import { OperationReportEntity } from '../operations/reports/operation-report.entity.js';
import { OperationEntity } from '../operations/operation.entity.js';
import { SeizureLinkRequestEntity } from '../operations/seizure-link-request.entity.js';
import { SealedSectionEntity, SectionRecipientEntity } from '../seizures/data/sealed-section.entity.js';
import { SeizureChangeEntity } from '../seizures/data/seizure-change.entity.js';
import { SeizureVersionEntity } from '../seizures/data/seizure-version.entity.js';
import { SeizureEntity } from '../seizures/data/seizure.entity.js';
import { UserEntity } from '../users/user.entity.js';

/** Every TypeORM entity; the migrations in migrations/ must produce exactly these tables. */
export const ENTITIES = [
  AgencyEntity, UserEntity, ApiKeyEntity, AgencyKeyEntity, PlatformKeyEntity, KeyChallengeEntity,
  SeizureEntity, SeizureVersionEntity, SealedSectionEntity, SectionRecipientEntity, AuditEventEntity,
  SeizureChangeEntity, OperationEntity, OperationReportEntity, OperationOutcomeEntity, AlertEntity, AlertDeliveryEntity, FeedDisclosureEntity,
  SeizureLinkRequestEntity, AccessChangeEntity, UserKeyEntity, PlatformSecretEntity,
];
