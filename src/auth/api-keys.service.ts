import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { OPEN_OPERATIONS, type OpenOperations } from '../access/open-operations.js';
import { AuditService, auditBy, type AuditActor } from '../audit/audit.service.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import { BadUserInputError, ConflictError, NotFoundError } from '../errors/domain-error.js';
import { AgencyEntity } from '../agencies/agency.entity.js';
import { boundedTextProblem } from '../graphql/input-guard.js';
import { UserEntity, type UserStatus } from '../users/user.entity.js';
import { ACCESS_CHANGE_PUBLISHER, type AccessChangePublisher } from './access-changes.js';
import { ApiKeyEntity } from './api-key.entity.js';
import { CREDENTIAL_CACHE, type CredentialCache } from './credential-cache.js';
import { canonicalEmail } from './email-identity.js';
import { ReadStatements } from '../database/read-statements.js';
import { isUuid } from '../database/uuid.js';
import type { AgencyKind, Role } from '../access/attributes.js';

const KEY_PREFIX = 'wwk_';
/** 32 random bytes: guessing is hopeless, so a fast hash is the right one (no need for a KDF). */
const SECRET_BYTES = 32;
const KEY_FORMAT = /^wwk_[A-Za-z0-9_-]{43}$/;
const KEY_HASH_FORMAT = /^[0-9a-f]{64}$/;

/**
 * The roles an agency administrator may issue keys for without holding them itself: an officer's
 * (who submits reports) and a machine client's. An analyst's, reviewer's or auditor's key would lend
 * the administrator the four eyes of a report's review or the audit trail. A key issued for someone
 * else carries, on every request, only the user's roles among these and the issuer's own as they
 * stand then, so a role granted to the user later does not reach the administrator's copy.
 */
export const ROLES_ISSUABLE_BY_ADMINISTRATORS: ReadonlySet<Role> = new Set<Role>(['ELO', 'PARTNER']);

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * The longest TTL: ten years. Longer ones are mistakes, and far enough out (999999w) they give an
 * expiry past the year 9999 that the API's DateTime cannot carry. A key that should not expire is
 * made without a TTL.
 */
export const MAX_TTL_DAYS = 3650;

/** Parses a TTL such as `90m`, `12h`, `30d`, `52w` into milliseconds. */
export function parseTtl(ttl: string): number {
  const match = /^(\d{1,6})([mhdw])$/.exec(ttl.trim());
  if (!match) throw new BadUserInputError(`Invalid TTL "${ttl}": use a number followed by m, h, d or w (e.g. 30d)`, ['ttl']);
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] as 'm' | 'h' | 'd' | 'w'];
  const ms = Number(match[1]) * unit;
  if (ms <= 0) throw new BadUserInputError('TTL must be positive', ['ttl']);
  if (ms > MAX_TTL_DAYS * 86_400_000) {
    throw new BadUserInputError(`TTL "${ttl}" is longer than ${MAX_TTL_DAYS}d (ten years), the longest; for a key that does not expire, give no TTL`, ['ttl']);
  }
  return ms;
}

/** api_keys.label's width. */
const MAX_LABEL_LENGTH = 200;

/** Why a key's label is refused, or null; the API and the command line take the same labels. */
export function apiKeyLabelProblem(label: string): string | null {
  return boundedTextProblem(label, MAX_LABEL_LENGTH);
}

export interface CreatedApiKey {
  id: string;
  /** The only time the key exists outside the caller's hands. */
  key: string;
  expiresAt: Date | null;
}

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly reads: ReadStatements,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    @Inject(CREDENTIAL_CACHE) private readonly lookups: CredentialCache<KeyLookup>,
    @Optional() @Inject(OPEN_OPERATIONS) operations?: OpenOperations,
    @Optional() @Inject(ACCESS_CHANGE_PUBLISHER) private readonly accessChanges?: AccessChangePublisher,
  ) {
    // The caller's open operations come through the same port as everyone's, only read in the key's statement.
    this.lookupSql = keyLookupSql(operations ? operations.openOperationsSql('u.agency_code') : 'NULL::text[]');
  }

  private readonly lookupSql: string;

  /**
   * A new key for the user. With `auditAs` (an administrator's request, an operator's command) the
   * key and its `apikey.create` event commit together; without it (test fixtures, demo data) the
   * key is not audited. A disabled user gets none: the key would not let them in, and would start
   * working, unnoticed, the day they were enabled again.
   */
  async create(email: string, options: { ttl?: string; label?: string; now?: Date; issuedBy?: string; auditAs?: AuditActor } = {}): Promise<CreatedApiKey> {
    if (options.label !== undefined) {
      const problem = apiKeyLabelProblem(options.label);
      if (problem) throw new BadUserInputError(`label ${problem}`, ['label']);
    }
    const now = options.now ?? new Date();
    // An empty TTL means none, as it always did for API clients (the CLI refuses `--ttl ""`).
    const expiresAt = options.ttl ? new Date(now.getTime() + parseTtl(options.ttl)) : null;
    const identity = canonicalEmail(email.trim());
    const user = identity.ok ? await this.users.findOneBy({ email: identity.address }) : null;
    if (!user) throw new NotFoundError(`User ${email}`);
    if (user.status !== 'ACTIVE') throw new ConflictError(`User ${user.email} is ${user.status.toLowerCase()}: enable the user before making a key for them`);
    const key = KEY_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
    const saved = await this.keys.manager.transaction(async (manager) => {
      const row = await manager.save(
        this.keys.create({
          userId: user.id, secretHash: hashApiKey(key), prefix: key.slice(0, 12), label: options.label ?? null, expiresAt,
          issuedBy: options.issuedBy && options.issuedBy !== user.id ? options.issuedBy : null,
        }),
      );
      if (options.auditAs) {
        await this.audit.append(manager, auditBy(options.auditAs, user.agencyCode, {
          action: 'apikey.create', resourceType: 'ApiKey', resourceId: row.id, resourceAgency: user.agencyCode, details: { userId: user.id },
        }));
      }
      return row;
    });
    return { id: saved.id, key, expiresAt };
  }

  /**
   * Revokes a key at once; `requestId`: the request that asked, for the log line if the change
   * cannot be published. With `auditAs`, every call leaves an `apikey.revoke` event (a repeated one
   * too), committed with the change.
   */
  async revoke(id: string, options: { now?: Date; requestId?: string; auditAs?: AuditActor } = {}): Promise<ApiKeyEntity> {
    const now = options.now ?? new Date();
    if (!isUuid(id)) throw new BadUserInputError(`Invalid API key id: ${id}`, ['id']);
    const key = await this.keys.findOne({ where: { id }, relations: { user: true } });
    if (!key) throw new NotFoundError(`API key ${id}`);
    await this.keys.manager.transaction(async (manager) => {
      if (!key.revokedAt) {
        await manager.update(ApiKeyEntity, { id, revokedAt: IsNull() }, { revokedAt: now });
        key.revokedAt = now;
      }
      if (options.auditAs) {
        const agency = key.user!.agencyCode;
        await this.audit.append(manager, auditBy(options.auditAs, agency, {
          action: 'apikey.revoke', resourceType: 'ApiKey', resourceId: id, resourceAgency: agency, details: { userId: key.userId },
        }));
      }
    });
    // Also when it was revoked already: a repeated revoke is how an operator makes sure.
    this.lookups.invalidate();
    await this.accessChanges?.publish({ users: [key.userId], reason: 'api key revoked', requestId: options.requestId });
    return key;
  }

  /**
   * Whether the user can still sign in with credentials of their own: an API key of theirs (not one
   * someone else issued for them) neither revoked nor expired, or an OIDC identity bound to them from
   * the issuer configured now (a binding `iss|sub` from an issuer no longer configured signs no one
   * in, as OidcService.signIn looks bindings up under the current issuer only).
   */
  async holdsOwnCredentials(userId: string, now = new Date()): Promise<boolean> {
    return (await this.holdingOwnCredentials([userId], now)).has(userId);
  }

  /** The same question for many users in one statement: those of `userIds` who hold credentials of their own. */
  async holdingOwnCredentials(userIds: readonly string[], now = new Date()): Promise<Set<string>> {
    const ids = [...new Set(userIds)].filter(isUuid);
    if (ids.length === 0) return new Set();
    const rows = (await this.keys.manager.query(
      `SELECT u.id FROM users u
        WHERE u.id = ANY($1::uuid[])
          AND (EXISTS (SELECT 1 FROM api_keys k WHERE k.user_id = u.id AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $2)
                                                  AND (k.issued_by IS NULL OR k.issued_by = k.user_id))
               OR ($3::text IS NOT NULL AND starts_with(u.oidc_subject, $3::text || '|')))`,
      [ids, now, this.config.oidc.issuer ?? null],
    )) as { id: string }[];
    return new Set(rows.map((row) => row.id));
  }

  /**
   * The active user behind a presented key, with their agency and its open operations, or null for
   * any key that must not be accepted. Every request asks, so this is one plain statement: key,
   * user, agency and operations in one round trip, a prepared statement (ReadStatements).
   */
  async credentialsForKey(presented: string, now = new Date()): Promise<KeyCredentials | null> {
    if (!KEY_FORMAT.test(presented)) return null;
    return this.credentialsForHash(hashApiKey(presented), now);
  }

  /** The same, for a key known by its hash (a console session keeps the hash, never the key). */
  async credentialsForHash(secretHash: string, now = new Date()): Promise<KeyCredentials | null> {
    if (!KEY_HASH_FORMAT.test(secretHash)) return null;
    const found = await this.lookups.get(secretHash, async () => {
      const [row] = await this.reads.records<KeyLookupRow>(this.lookupSql, [secretHash]);
      return row ? { row: Object.freeze(row), lastUsedAt: row.last_used_at?.getTime() ?? null } : null;
    });
    if (!found) return null;
    const row = found.row;
    // Checked at every use, cached or not: a key expires without any change to announce it.
    if (row.revoked_at || (row.expires_at && row.expires_at <= now)) return null;
    if (row.user_status !== 'ACTIVE') return null;
    // Coarse last-use tracking for operators; at most one write a minute per key.
    if (found.lastUsedAt === null || now.getTime() - found.lastUsedAt > 60_000) {
      found.lastUsedAt = now.getTime();
      await this.keys.update({ id: row.key_id }, { lastUsedAt: now });
    }
    const user = userFromRow(row);
    const issuedBy = row.issued_by !== null && row.issued_by !== row.user_id ? row.issued_by : null;
    if (issuedBy) user.roles = user.roles.filter((role) => ROLES_ISSUABLE_BY_ADMINISTRATORS.has(role) || (row.issuer_roles ?? []).includes(role));
    return { user, openOperations: row.open_operations && [...row.open_operations], issuedBy, expiresAt: row.expires_at };
  }
}

export interface KeyCredentials {
  user: UserEntity;
  /** Null when no operations feature is present. */
  openOperations: string[] | null;
  /** Who issued it when that was not its user (an administrator): rules naming the user do not apply. Null for the user's own. */
  issuedBy: string | null;
  /** When the key stops being accepted; null for a key that does not expire. */
  expiresAt: Date | null;
}

const keyLookupSql = (openOperations: string) => `
  SELECT k.id AS key_id, k.revoked_at, k.expires_at, k.last_used_at, k.issued_by,
         -- An issuer lends only what it holds now: nothing once disabled or gone to another agency.
         CASE WHEN i.status = 'ACTIVE' AND i.agency_code = u.agency_code THEN i.roles END AS issuer_roles,
         ${openOperations} AS open_operations,
         u.id AS user_id, u.email, u.agency_code, u.roles, u.display_name, u.oidc_subject, u.status AS user_status, u.created_at AS user_created_at,
         a.name AS agency_name, a.kind AS agency_kind, a.country AS agency_country, a.region AS agency_region,
         a.communities AS agency_communities, a.legal_basis AS agency_legal_basis, a.status AS agency_status,
         a.created_at AS agency_created_at, a.updated_at AS agency_updated_at
    FROM api_keys k
    JOIN users u ON u.id = k.user_id
    LEFT JOIN agencies a ON a.code = u.agency_code
    LEFT JOIN users i ON i.id = k.issued_by
   WHERE k.secret_hash = $1`;

/** A key's row as cached: the database's answer, and when this process last recorded the key's use. */
export interface KeyLookup {
  readonly row: Readonly<KeyLookupRow>;
  lastUsedAt: number | null;
}

interface KeyLookupRow {
  key_id: string;
  issued_by: string | null;
  issuer_roles: Role[] | null;
  open_operations: string[] | null;
  revoked_at: Date | null;
  expires_at: Date | null;
  last_used_at: Date | null;
  user_id: string;
  email: string;
  agency_code: string;
  roles: Role[];
  display_name: string | null;
  oidc_subject: string | null;
  user_status: UserStatus;
  user_created_at: Date;
  agency_name: string | null;
  agency_kind: AgencyKind | null;
  agency_country: string | null;
  agency_region: string | null;
  agency_communities: string[] | null;
  agency_legal_basis: string[] | null;
  agency_status: AgencyEntity['status'] | null;
  agency_created_at: Date | null;
  agency_updated_at: Date | null;
}

function userFromRow(row: KeyLookupRow): UserEntity {
  const agency = row.agency_name === null ? undefined : Object.assign(new AgencyEntity(), {
    code: row.agency_code, name: row.agency_name, kind: row.agency_kind!, country: row.agency_country, region: row.agency_region,
    communities: [...(row.agency_communities ?? [])], legalBasis: [...(row.agency_legal_basis ?? [])], status: row.agency_status!,
    createdAt: new Date(row.agency_created_at!), updatedAt: new Date(row.agency_updated_at!),
  });
  // Arrays copied: the row may be cached and shared by every request with this key.
  return Object.assign(new UserEntity(), {
    id: row.user_id, email: row.email, agencyCode: row.agency_code, agency, roles: [...row.roles], displayName: row.display_name,
    oidcSubject: row.oidc_subject, status: row.user_status, createdAt: new Date(row.user_created_at),
  });
}
