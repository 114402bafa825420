import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AgencyEntity } from '../agencies/agency.entity.js';
import { BadUserInputError, NotFoundError } from '../errors/domain-error.js';
import { ROLES, UserEntity, type Role } from './user.entity.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

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
  ) {}

  /** Creates the user, or returns the existing one with that email (idempotent on email). */
  async createOrGet(input: CreateUserInput): Promise<{ user: UserEntity; created: boolean }> {
    const email = input.email.trim().toLowerCase();
    if (!EMAIL.test(email) || email.length > 254) throw new BadUserInputError(`Invalid email: ${input.email}`, ['email']);
    const roles = [...new Set(input.roles.map((r) => r.trim().toUpperCase()).filter(Boolean))];
    const unknown = roles.filter((r) => !ROLES.includes(r as Role));
    if (roles.length === 0 || unknown.length > 0) {
      throw new BadUserInputError(`Invalid roles: ${unknown.join(', ') || '(none)'}; expected some of ${ROLES.join(', ')}`, ['roles']);
    }
    const agencyCode = input.agencyCode.trim().toUpperCase();
    if (!(await this.agencies.existsBy({ code: agencyCode }))) throw new BadUserInputError(`Unknown agency: ${input.agencyCode}`, ['agency']);

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
      .values({ email, agencyCode, roles: roles as Role[], displayName: input.displayName ?? null })
      .orIgnore()
      .execute();
    const user = await this.users.findOneByOrFail({ email });
    return { user, created: true };
  }

  async findByEmailOrThrow(email: string): Promise<UserEntity> {
    const user = await this.users.findOneBy({ email: email.trim().toLowerCase() });
    if (!user) throw new NotFoundError(`User ${email}`);
    return user;
  }
}
