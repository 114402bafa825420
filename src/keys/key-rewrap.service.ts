import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { PrivateKey } from 'openpgp';
import { AuditService, SYSTEM_ACTOR } from '../audit/audit.service.js';
import { unwrapSessionKey, wrapSessionKeyFor } from '../crypto/recipient-encryption.js';
import { JsonLogger } from '../observability/json-logger.js';
import { AgencyKeysService, type UsableKey } from './agency-keys.service.js';
import { personalKeyHoldersIn } from './personal-key-selection.js';
import { PlatformKeyService } from './platform-key.service.js';
import { recordResealNeeded } from './reseal-notice.js';
import type { KeyRewrapPayload, KeyRewrapProgress } from './key-rewrap.types.js';

const PLATFORM_RECIPIENT = 'PLATFORM';
const BATCH_SIZE = 100;

interface RecipientRow {
  seizure_id: string;
  key_fingerprint: string;
  platform_pkesk: Buffer | null;
  payload: Buffer | null;
  /** Whether the row is in the counts the agency's administrators are shown (see COUNTED). */
  counted: boolean;
}

/*
 * The progress counts are shown to the agency's administrators (keyRotationStatus, the key.rewrap
 * audit event). An agency's key also wraps other agencies' TLP:RED reports that name one of its
 * users, which its administrators may not know of: counting them would let an administrator learn,
 * by registering keys, how many such reports appeared in between. Those rows are moved like the
 * others but left out of every count. `report` is the SQL alias of the report, `agency` the
 * agency's code; COUNTED is it for a row `r` and its report `z` (a row without one counts).
 */
const countedFor = (report: string, agency: string) => `COALESCE(NOT (${report}.tlp = 'RED' AND ${report}.reporting_agency <> ${agency}), true)`;
const COUNTED = countedFor('z', 'r.recipient');

/** Which of the agency's rows a run moves, and where to. */
type Plan =
  /** Re-wrap every row not yet on the agency's current key. */
  | { kind: 'rewrap'; target: UsableKey }
  /** No valid key remains: drop the rows of compromised keys. */
  | { kind: 'remove'; compromised: string[] };

/** A report's section as the platform holds it: the platform's wrapped key and the ciphertext. */
export interface PlatformSectionRow {
  seizure_id: string;
  platform_pkesk: Buffer;
  payload: Buffer;
}

/**
 * The section's session key unwrapped with the platform key and wrapped for `target`; null if the
 * platform cannot open it (e.g. a PLATFORM row made with an earlier platform key), logged as `what`
 * skipping the record: its row is left as it is. For agency keys here, and for personal keys.
 */
export async function rewrapFromPlatform(
  row: PlatformSectionRow, target: UsableKey, platformKey: PrivateKey, logger: JsonLogger, what: string,
): Promise<Uint8Array | null> {
  try {
    const sessionKey = await unwrapSessionKey({ pkesk: row.platform_pkesk, payload: row.payload, privateKey: platformKey });
    return await wrapSessionKeyFor({ sessionKey, publicKey: target.publicKey });
  } catch (error) {
    logger.event('warn', `${what} skipped a record`, { seizureId: row.seizure_id, reason: error instanceof Error ? error.message : String(error) });
    return null;
  }
}

/**
 * The RED reports naming the user whose section the platform holds and `recipient` (the user's
 * `user:<id>`) has no copy of: those made before the user registered a personal key
 * (PersonalKeysService). Here with the other grants over reports' sections.
 */
export async function redSectionsNamingWithout(manager: EntityManager, userId: string, recipient: string): Promise<PlatformSectionRow[]> {
  return (await manager.query(
    `SELECT s.id AS seizure_id, p.pkesk AS platform_pkesk, c.payload
       FROM seizures s
       JOIN section_recipients p ON p.seizure_id = s.id AND p.recipient = 'PLATFORM'
       JOIN sealed_sections c ON c.seizure_id = s.id
      WHERE s.tlp = 'RED' AND s.has_sensitive AND s.releasable_to_users @> ARRAY[$1]::text[]
        AND NOT EXISTS (SELECT 1 FROM section_recipients r WHERE r.seizure_id = s.id AND r.recipient = $2)`,
    [userId, recipient],
  )) as PlatformSectionRow[];
}

/**
 * Removes the agency's copy of a report's section unless the agency still reads the report: its
 * own, or naming another of its users who is not among `personalKeyHolders` (personalKeyHoldersIn:
 * users whose personal key can encrypt now, as a new section decides it; one who just registered
 * one reads it with that key now).
 */
export async function dropAgencyCopyNoLongerNeeded(manager: EntityManager, seizureId: string, agency: string, personalKeyHolders: readonly string[]): Promise<void> {
  await manager.query(
    `DELETE FROM section_recipients r USING seizures s
      WHERE r.seizure_id = $1 AND r.recipient = $2 AND s.id = r.seizure_id AND s.reporting_agency <> $2
        AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id::text = ANY(s.releasable_to_users) AND u.agency_code = $2
              AND NOT (u.id = ANY($3::uuid[])))`,
    [seizureId, agency, [...personalKeyHolders]],
  );
}

/**
 * Moves an agency's wrapped session keys (PKESK rows of `section_recipients`) to its current key
 * after a rotation, or away from a compromised key. The session key is recovered from the
 * PLATFORM row; server-blind records have none and are skipped (counted). Every run derives its
 * work from the database, so a retried or repeated run picks up where the last one stopped and
 * a finished one is a no-op.
 */
@Injectable()
export class KeyRewrapService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly agencyKeys: AgencyKeysService,
    private readonly platformKey: PlatformKeyService,
    private readonly audit: AuditService,
    private readonly logger: JsonLogger,
  ) {}

  /**
   * Runs the re-wrap for one agency, whatever the event: the target is always the agency's newest
   * valid key at run time, so jobs queued in quick succession cannot undo each other.
   */
  async run(payload: KeyRewrapPayload, report: (progress: KeyRewrapProgress) => Promise<void> = async () => undefined): Promise<KeyRewrapProgress> {
    const agency = payload.agencyCode;
    const plan = await this.plan(agency);
    const progress: KeyRewrapProgress = {
      targetFingerprint: plan.kind === 'rewrap' ? plan.target.fingerprint : null,
      total: await this.countPending(agency, plan),
      done: 0,
      rewrapped: 0,
      removed: 0,
      skipped: 0,
    };
    await report({ ...progress });
    let cursor: string | null = null;
    for (;;) {
      const rows = await this.nextBatch(agency, plan, cursor);
      if (rows.length === 0) break;
      cursor = rows[rows.length - 1].seizure_id;
      await this.processBatch(agency, plan, rows, progress);
      // Rows added while running (new releases) are on the current key already or were not counted.
      progress.total = Math.max(progress.total, progress.done);
      await report({ ...progress });
    }
    if (plan.kind === 'rewrap') await this.grantMissing(agency, plan.target, progress, report);
    if (payload.trigger === 'COMPROMISED') {
      // Server-blind rows were skipped: the server cannot move them; their owners must re-seal.
      const told = await this.dataSource.transaction((manager) => recordResealNeeded(manager, this.audit, { actor: SYSTEM_ACTOR, agency }, payload.fingerprint));
      if (told) this.logger.event('warn', 'server-blind reports need re-sealing', { agency, fingerprint: payload.fingerprint, reports: told });
    }
    if (progress.rewrapped + progress.removed + (progress.granted ?? 0) > 0) {
      await this.audit.appendStandalone({
        actor: SYSTEM_ACTOR,
        agency,
        action: 'key.rewrap',
        resourceType: 'AgencyKey',
        resourceAgency: agency,
        details: { fingerprint: payload.fingerprint, trigger: payload.trigger, ...progress },
      });
    }
    this.logger.event('info', 'key re-wrap finished', { agency, fingerprint: payload.fingerprint, trigger: payload.trigger, ...progress });
    return progress;
  }

  /**
   * Wraps the session key for the agency on every report it is entitled to but holds no key for:
   * reports made before it registered a key, or whose rows a compromise removed. Entitled means
   * the owner, an agency it is released to (not RED), or, for RED, the agency of a named user.
   */
  private async grantMissing(agency: string, target: UsableKey, progress: KeyRewrapProgress, report: (progress: KeyRewrapProgress) => Promise<void>): Promise<void> {
    progress.granted = 0;
    // Judged as a new section judges them: a key whose encryption subkey expired is no key.
    const holders = await personalKeyHoldersIn(this.dataSource.manager, agency);
    let after: string | null = null;
    for (;;) {
      const rows = (await this.dataSource.query(
        `SELECT s.id AS seizure_id, p.pkesk AS platform_pkesk, c.payload, '' AS key_fingerprint,
                ${countedFor('s', '$1')} AS counted
           FROM seizures s
           JOIN section_recipients p ON p.seizure_id = s.id AND p.recipient = $2
           JOIN sealed_sections c ON c.seizure_id = s.id
          WHERE s.has_sensitive AND NOT s.server_blind
            AND ($3::uuid IS NULL OR s.id > $3::uuid)
            AND NOT EXISTS (SELECT 1 FROM section_recipients r WHERE r.seizure_id = s.id AND r.recipient = $1)
            AND (s.reporting_agency = $1
                 OR (s.tlp <> 'RED' AND s.releasable_to @> ARRAY[$1]::text[])
                 OR (s.tlp = 'RED' AND EXISTS (SELECT 1 FROM users u WHERE u.id::text = ANY(s.releasable_to_users) AND u.agency_code = $1
                       -- a named user with a personal key that can encrypt reads it with that key, not their agency's
                       AND NOT (u.id = ANY($4::uuid[])))))
          ORDER BY s.id
          LIMIT ${BATCH_SIZE}`,
        [agency, PLATFORM_RECIPIENT, after, holders],
      )) as RecipientRow[];
      if (rows.length === 0) return;
      after = rows[rows.length - 1].seizure_id;
      for (const row of rows) {
        const pkesk = await this.rewrapOne(row, target);
        if (!pkesk) continue;
        const inserted = (await this.dataSource.query(
          'INSERT INTO section_recipients (seizure_id, recipient, key_fingerprint, pkesk) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING seizure_id',
          [row.seizure_id, agency, target.fingerprint, Buffer.from(pkesk)],
        )) as unknown[];
        if (row.counted) progress.granted = (progress.granted ?? 0) + inserted.length; // see COUNTED
      }
      await report({ ...progress });
    }
  }

  private async plan(agency: string): Promise<Plan> {
    const target = (await this.agencyKeys.encryptionKeys([agency])).get(agency);
    if (target) return { kind: 'rewrap', target };
    const compromised = (await this.agencyKeys.listForAgencies([agency])).filter((k) => k.revocationReason === 'COMPROMISED').map((k) => k.fingerprint);
    return { kind: 'remove', compromised };
  }

  private async countPending(agency: string, plan: Plan): Promise<number> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS n FROM section_recipients r LEFT JOIN seizures z ON z.id = r.seizure_id
        WHERE r.recipient = $1 AND ${pendingCondition(plan)} AND ${COUNTED}`,
      [agency, planParameter(plan)],
    )) as { n: number }[];
    return row?.n ?? 0;
  }

  /** The next rows to process, by seizure id: skipped rows stay behind the cursor, never re-read. */
  private nextBatch(agency: string, plan: Plan, after: string | null): Promise<RecipientRow[]> {
    return this.dataSource.query(
      `SELECT r.seizure_id, r.key_fingerprint, p.pkesk AS platform_pkesk, s.payload, ${COUNTED} AS counted
         FROM section_recipients r
         LEFT JOIN section_recipients p ON p.seizure_id = r.seizure_id AND p.recipient = $3
         LEFT JOIN sealed_sections s ON s.seizure_id = r.seizure_id
         LEFT JOIN seizures z ON z.id = r.seizure_id
        WHERE r.recipient = $1 AND ${pendingCondition(plan)} AND ($4::uuid IS NULL OR r.seizure_id > $4::uuid)
        ORDER BY r.seizure_id
        LIMIT ${BATCH_SIZE}`,
      [agency, planParameter(plan), PLATFORM_RECIPIENT, after],
    ) as Promise<RecipientRow[]>;
  }

  private async processBatch(agency: string, plan: Plan, rows: RecipientRow[], shown: KeyRewrapProgress): Promise<void> {
    const changes: { seizureId: string; from: string; pkesk: Uint8Array | null; progress: KeyRewrapProgress }[] = [];
    for (const row of rows) {
      // Uncounted rows are moved all the same, into counts nobody reads.
      const progress = row.counted ? shown : { ...shown };
      progress.done += 1;
      if (!row.platform_pkesk || !row.payload) {
        progress.skipped += 1; // server-blind: only the recipients hold the session key
        continue;
      }
      if (plan.kind === 'remove') {
        changes.push({ seizureId: row.seizure_id, from: row.key_fingerprint, pkesk: null, progress });
        continue;
      }
      const pkesk = await this.rewrapOne(row, plan.target);
      if (pkesk) changes.push({ seizureId: row.seizure_id, from: row.key_fingerprint, pkesk, progress });
      else progress.skipped += 1;
    }
    if (changes.length === 0) return;
    // Only rows still on the key they were read with change: a concurrent release or another run wins.
    await this.dataSource.transaction(async (manager) => {
      for (const change of changes) {
        const progress = change.progress;
        if (change.pkesk === null) {
          const [, affected] = (await manager.query(
            'DELETE FROM section_recipients WHERE seizure_id = $1 AND recipient = $2 AND key_fingerprint = $3',
            [change.seizureId, agency, change.from],
          )) as [unknown, number];
          progress.removed += affected;
          progress.skipped += 1 - affected;
        } else if (plan.kind === 'rewrap') {
          const [, affected] = (await manager.query(
            'UPDATE section_recipients SET pkesk = $1, key_fingerprint = $2 WHERE seizure_id = $3 AND recipient = $4 AND key_fingerprint = $5',
            [Buffer.from(change.pkesk), plan.target.fingerprint, change.seizureId, agency, change.from],
          )) as [unknown, number];
          progress.rewrapped += affected;
          progress.skipped += 1 - affected;
        }
      }
    });
  }

  /** A row with a PLATFORM copy (server-blind rows have none and are skipped before) re-wrapped for the target. */
  private rewrapOne(row: RecipientRow, target: UsableKey): Promise<Uint8Array | null> {
    const section = { seizure_id: row.seizure_id, platform_pkesk: row.platform_pkesk!, payload: row.payload! };
    return rewrapFromPlatform(section, target, this.platformKey.privateKey, this.logger, 'key re-wrap');
  }
}

function pendingCondition(plan: Plan): string {
  return plan.kind === 'rewrap' ? 'r.key_fingerprint <> $2' : 'r.key_fingerprint = ANY($2::text[])';
}

function planParameter(plan: Plan): string | string[] {
  return plan.kind === 'rewrap' ? plan.target.fingerprint : plan.compromised;
}
