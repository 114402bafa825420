import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AgencyEntity } from '../agencies/agency.entity.js';

import { AuditService, SYSTEM_AUDIT_ACTOR, auditBy, type AuditActor } from '../audit/audit.service.js';
import { ACCESS_CHANGE_PUBLISHER, type AccessChangePublisher } from '../auth/access-changes.js';
import { endSessionsOf } from '../auth/console-sessions.js';
import { canonicalEmail } from '../auth/email-identity.js';
import { BadUserInputError, NotFoundError } from '../errors/domain-error.js';
import { boundedTextProblem } from '../graphql/input-guard.js';
import { USER_STATUSES, UserEntity, type UserStatus } from './user.entity.js';
import { ROLES, type Role } from '../access/attributes.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface UpdateUserInput {
  roles?: string[];
  agencyCode?: string;
  status?: string;
}

/** The stored form of an address (see auth/email-identity.ts), or a BAD_USER_INPUT naming why not. */
export function userEmail(input: string): string {
  const identity = canonicalEmail(input.trim());
  if (!identity.ok || !EMAIL.test(identity.address)) {
    throw new BadUserInputError(`Invalid email: ${JSON.stringify(input).slice(0, 80)}${identity.ok ? '' : ` (${identity.reason})`}`, ['email']);
  }
  return identity.address;
}

/** users.display_name's width. */
const MAX_DISPLAY_NAME_LENGTH = 200;

/** Why a display name is refused, or null: text as the API takes it, that fits its column. */
export function displayNameProblem(name: string): string | null {
  return boundedTextProblem(name, MAX_DISPLAY_NAME_LENGTH);
}

export interface CreateUserInput {
  agencyCode: string;
  email: string;
  roles: string[];
  displayName?: string;
}

/** Users and machine clients. Created by operators through the CLI. */
@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(AgencyEntity) private readonly agencies: Repository<AgencyEntity>,
    private readonly audit: AuditService,
    @Optional() @Inject(ACCESS_CHANGE_PUBLISHER) private readonly accessChanges?: AccessChangePublisher,
  ) {}

  /**
   * An operator's `windward user create`: creates the user, its `user.create` event committed with
   * it, or finds the user with that email again (idempotent on email, whatever agency and roles were
   * asked for: nothing changes, `update` is how those change, audited as such). `asAsked`: whether the
   * user has the agency and roles asked for (always, when created).
   */
  async create(input: CreateUserInput, by: AuditActor): Promise<{ user: UserEntity; created: boolean; asAsked: boolean }> {
    const { email, roles, agencyCode, displayName } = await this.checked(input);
    const inserted = await this.users.manager.transaction(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .insert()
        .into(UserEntity)
        .values({ email, agencyCode, roles, displayName })
        .orIgnore()
        .returning(['id'])
        .execute();
      const id = (result.raw as { id: string }[])[0]?.id;
      if (!id) return null; // the address is taken
      await this.audit.append(manager, auditBy(by, agencyCode, {
        action: 'user.create', resourceType: 'User', resourceId: id, resourceAgency: agencyCode, details: { roles, displayName },
      }));
      return id;
    });
    if (inserted) return { user: await this.users.findOneByOrFail({ id: inserted }), created: true, asAsked: true };
    // Idempotent on email (the CLI contract): the existing user, unchanged whatever was asked.
    const user = await this.users.findOneByOrFail({ email });
    return { user, created: false, asAsked: user.agencyCode === agencyCode && [...user.roles].sort().join() === [...roles].sort().join() };
  }

  /**
   * Creates the user, or returns the existing one with that email whatever its roles: demo data
   * and test fixtures, not audited. Operators' creations go through `create`.
   */
  async createOrGet(input: CreateUserInput): Promise<{ user: UserEntity; created: boolean }> {
    const { email, roles, agencyCode, displayName } = await this.checked(input);
    const existing = await this.users.findOneBy({ email });
    if (existing) {
      if (existing.agencyCode !== agencyCode) {
        throw new BadUserInputError(`${email} already exists in agency ${existing.agencyCode}`, ['email']);
      }
      return { user: existing, created: false };
    }
    await this.users
      .createQueryBuilder()
      .insert()
      .values({ email, agencyCode, roles, displayName })
      .orIgnore()
      .execute();
    const user = await this.users.findOneByOrFail({ email });
    return { user, created: true };
  }

  private async checked(input: CreateUserInput): Promise<{ email: string; roles: Role[]; agencyCode: string; displayName: string | null }> {
    const email = userEmail(input.email);
    const roles = checkRoles(input.roles);
    if (input.displayName !== undefined) {
      const problem = displayNameProblem(input.displayName);
      if (problem) throw new BadUserInputError(`name ${problem}`, ['displayName']);
    }
    return { email, roles, agencyCode: await this.checkAgency(input.agencyCode), displayName: input.displayName ?? null };
  }

  async findByEmailOrThrow(email: string): Promise<UserEntity> {
    const user = await this.users.findOneBy({ email: userEmail(email) });
    if (!user) throw new NotFoundError(`User ${email}`);
    return user;
  }

  /**
   * Changes a user's roles, agency or status (an operator's CLI command), audited. Their live
   * connections close at once, in every process, so nothing keeps running on the old attributes;
   * so do those of the users they issued keys for.
   */
  async update(email: string, input: UpdateUserInput, by: AuditActor = SYSTEM_AUDIT_ACTOR): Promise<{ user: UserEntity; changed: string[] }> {
    const user = await this.findByEmailOrThrow(email);
    const next: Partial<Pick<UserEntity, 'roles' | 'agencyCode' | 'status'>> = {};
    if (input.roles !== undefined) {
      const roles = checkRoles(input.roles);
      if (roles.join() !== user.roles.join()) next.roles = roles;
    }
    if (input.agencyCode !== undefined) {
      const agencyCode = await this.checkAgency(input.agencyCode);
      if (agencyCode !== user.agencyCode) next.agencyCode = agencyCode;
    }
    if (input.status !== undefined) {
      const status = input.status.trim().toUpperCase();
      if (!USER_STATUSES.includes(status as UserStatus)) throw new BadUserInputError(`Invalid status: ${input.status}; expected ${USER_STATUSES.join(' or ')}`, ['status']);
      if (status !== user.status) next.status = status as UserStatus;
    }
    const changed = Object.keys(next);
    if (changed.length === 0) return { user, changed };
    await this.users.manager.transaction(async (manager) => {
      await manager.update(UserEntity, { id: user.id }, next);
      if (next.status === 'DISABLED') await endSessionsOf(manager, user.id);
      await this.audit.append(manager, auditBy(by, user.agencyCode, {
        action: 'user.update', resourceType: 'User', resourceId: user.id, resourceAgency: next.agencyCode ?? user.agencyCode, fields: changed,
        details: { from: { roles: user.roles, agency: user.agencyCode, status: user.status }, to: next },
      }));
    });
    // Keys this user issued for others carry its roles of the moment (ApiKeysService): their holders' access changed too.
    const holders = (await this.users.manager.query('SELECT DISTINCT user_id FROM api_keys WHERE issued_by = $1 AND user_id <> $1 AND revoked_at IS NULL', [user.id])) as { user_id: string }[];
    await this.accessChanges?.publish({ users: [user.id, ...holders.map((holder) => holder.user_id)], reason: `user ${changed.join(', ')} changed` });
    return { user: await this.users.findOneByOrFail({ id: user.id }), changed };
  }

  private async checkAgency(code: string): Promise<string> {
    const agencyCode = code.trim().toUpperCase();
    if (!(await this.agencies.existsBy({ code: agencyCode }))) throw new BadUserInputError(`Unknown agency: ${code}`, ['agency']);
    return agencyCode;
  }
}

function checkRoles(given: string[]): Role[] {
  const roles = [...new Set(given.map((r) => r.trim().toUpperCase()).filter(Boolean))];
  const unknown = roles.filter((r) => !ROLES.includes(r as Role));
  if (roles.length === 0 || unknown.length > 0) {
    throw new BadUserInputError(`Invalid roles: ${unknown.join(', ') || '(none)'}; expected some of ${ROLES.join(', ')}`, ['roles']);
  }
  return roles as Role[];
}
