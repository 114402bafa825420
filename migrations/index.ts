import type { MigrationInterface } from 'typeorm';
import { Foundation1795475357040 } from './1795475357040-foundation.js';
import { Seizures1795476169495 } from './1795476169495-seizures.js';
import { Operations1795477035743 } from './1795477035743-operations.js';
import { FeedDisclosures1795477869771 } from './1795477869771-feed-disclosures.js';
import { SeizureKeysetIndexes1795498389111 } from './1795498389111-seizure-keyset-indexes.js';
import { DerivedDisclosure1795600000000 } from './1795600000000-derived-disclosure.js';
import { HostileInput1795610000000 } from './1795610000000-hostile-input.js';
import { OidcBindingsAccessChanges1795620000000 } from './1795620000000-oidc-bindings-access-changes.js';
import { PersonalKeys1795620000002 } from './1795620000002-personal-keys.js';
import { OperationReportQuality1795640000000 } from './1795640000000-operation-report-quality.js';
import { SeizureStatsAggregates1795705000000 } from './1795705000000-seizure-stats-aggregates.js';
import { ConsoleSessions1795800000000 } from './1795800000000-console-sessions.js';
import { PartnerRateBuckets1795800000001 } from './1795800000001-partner-rate-buckets.js';
import { ApiKeyIssuer1795900000000 } from './1795900000000-api-key-issuer.js';
import { ReportSourceDigest1795900000001 } from './1795900000001-report-source-digest.js';
import { PlatformSecrets1796000000000 } from './1796000000000-platform-secrets.js';
import { FeedDeliveries1796000000001 } from './1796000000001-feed-removals.js';
import { OperationAudience1796100000000 } from './1796100000000-operation-audience.js';
import { AgencyAuditChains1796200000000 } from './1796200000000-agency-audit-chains.js';
import { LinkRequestContract1796200000001 } from './1796200000001-link-request-contract.js';
import { AlertStops1796300000000 } from './1796300000000-alert-stops.js';
import { CredentialChanges1796400000000 } from './1796400000000-credential-changes.js';

/** Every migration, oldest first. `npm run migration:generate -- Name` writes a new one to add here. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [Foundation1795475357040, Seizures1795476169495, Operations1795477035743, FeedDisclosures1795477869771, SeizureKeysetIndexes1795498389111,
  DerivedDisclosure1795600000000, HostileInput1795610000000,
  // key_challenges comes from HostileInput (issue 13); personal keys (issue 14) share that table.
  OidcBindingsAccessChanges1795620000000, PersonalKeys1795620000002, OperationReportQuality1795640000000,
  SeizureStatsAggregates1795705000000, ConsoleSessions1795800000000, PartnerRateBuckets1795800000001, ApiKeyIssuer1795900000000, ReportSourceDigest1795900000001,
  PlatformSecrets1796000000000, FeedDeliveries1796000000001, OperationAudience1796100000000, AgencyAuditChains1796200000000,
  LinkRequestContract1796200000001, AlertStops1796300000000, CredentialChanges1796400000000,
];
