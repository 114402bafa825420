import { Args, Field, ID, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { Allow, Ctx, OwnCredentials } from '../access/allow.decorator.js';
import { ApiKeyEntity } from '../auth/api-key.entity.js';
import { ApiKeysService, ROLES_ISSUABLE_BY_ADMINISTRATORS } from '../auth/api-keys.service.js';
import type { RequestContext } from '../access/request-context.js';
import { actorOfContext } from '../audit/audit.service.js';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../errors/domain-error.js';
import { isUuid } from '../database/uuid.js';
import { UserEntity } from './user.entity.js';

@ObjectType('ApiKeyInfo')
export class ApiKeyInfoModel {
  @Field(() => ID) id: string;
  @Field({ description: 'The first characters of the key, to recognise it' }) prefix: string;
  @Field(() => String, { nullable: true }) label: string | null;
  @Field() createdAt: Date;
  @Field(() => Date, { nullable: true }) expiresAt: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt: Date | null;
  @Field(() => Date, { nullable: true }) lastUsedAt: Date | null;
  @Field(() => ID, { nullable: true, description: 'Who issued the key when not its user (an administrator of the agency); such a key does not carry the rules that name its user' })
  issuedBy: string | null;
}

@ObjectType('AgencyUser')
export class AgencyUserModel {
  @Field(() => ID) id: string;
  @Field() email: string;
  @Field(() => String, { nullable: true }) displayName: string | null;
  @Field(() => [String]) roles: string[];
  @Field() status: string;
  @Field(() => [ApiKeyInfoModel]) apiKeys: ApiKeyInfoModel[];
}

@ObjectType('CreatedApiKey')
export class CreatedApiKeyModel {
  @Field(() => ID) id: string;
  @Field({ description: 'The key itself: shown this once, never stored' }) key: string;
  @Field(() => Date, { nullable: true }) expiresAt: Date | null;
}

const info = (k: ApiKeyEntity): ApiKeyInfoModel => ({ id: k.id, prefix: k.prefix, label: k.label, createdAt: k.createdAt, expiresAt: k.expiresAt, revokedAt: k.revokedAt, lastUsedAt: k.lastUsedAt, issuedBy: k.issuedBy });

/** An agency administrator's view of their own agency's users and API keys (never another agency's). */
@Resolver()
export class AgencyUsersResolver {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    private readonly apiKeys: ApiKeysService,
  ) {}

  @Allow('AGENCY_ADMIN')
  @Query(() => [AgencyUserModel], { description: "Your agency's users and their API keys (agency administrators)" })
  async agencyUsers(@Ctx() ctx: RequestContext): Promise<AgencyUserModel[]> {
    const users = await this.users.find({ where: { agencyCode: ctx.principal.agencyCode }, order: { email: 'ASC' } });
    const keys = users.length ? await this.keys.find({ where: { userId: In(users.map((u) => u.id)) }, order: { createdAt: 'DESC' } }) : [];
    return users.map((u) => ({
      id: u.id,
      email: u.email,
      displayName: u.displayName,
      roles: u.roles,
      status: u.status,
      apiKeys: keys.filter((k) => k.userId === u.id).map(info),
    }));
  }

  @Allow('AGENCY_ADMIN')
  @OwnCredentials()
  @Mutation(() => CreatedApiKeyModel, {
    description:
      'A new API key for a user of your agency; the key is returned this once. Issued for someone else, it does not carry the rules that name that user personally (TLP:RED named recipients and author), and users with a role you do not hold (ELO and PARTNER aside) are refused',
  })
  async createApiKey(
    @Ctx() ctx: RequestContext,
    @Args('userId', { type: () => ID }) userId: string,
    @Args('label', { type: () => String, nullable: true }) label?: string | null,
    @Args('ttl', { type: () => String, nullable: true, description: 'Lifetime such as 90d or 12h; none for no expiry' }) ttl?: string | null,
  ): Promise<CreatedApiKeyModel> {
    const user = await this.ownUser(ctx, userId);
    const borrowed = user.id === ctx.principal.userId ? [] : user.roles.filter((role) => !ROLES_ISSUABLE_BY_ADMINISTRATORS.has(role) && !ctx.principal.roles.includes(role));
    if (borrowed.length) {
      throw new ForbiddenError(`You cannot issue a key for a user with a role you do not hold (${borrowed.join(', ')}): they sign in with their own credentials, or an operator issues one`);
    }
    return this.apiKeys.create(user.email, { label: label ?? undefined, ttl: ttl ?? undefined, issuedBy: ctx.principal.userId, auditAs: actorOfContext(ctx) });
  }

  @Allow('AGENCY_ADMIN')
  @OwnCredentials()
  @Mutation(() => ApiKeyInfoModel, { description: "Revokes an API key of your agency's user at once; its console sessions end with it" })
  async revokeApiKey(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string): Promise<ApiKeyInfoModel> {
    if (!isUuid(id)) throw new BadUserInputError(`Invalid API key id: ${id}`, ['id']);
    const key = await this.keys.findOne({ where: { id }, relations: { user: true } });
    // Another agency's key is reported as absent, like one that does not exist.
    if (!key || key.user?.agencyCode !== ctx.principal.agencyCode) throw new NotFoundError(`API key ${id}`);
    return info(await this.apiKeys.revoke(id, { requestId: ctx.requestId, auditAs: actorOfContext(ctx) }));
  }

  private async ownUser(ctx: RequestContext, userId: string): Promise<UserEntity> {
    if (!isUuid(userId)) throw new BadUserInputError(`Invalid user id: ${userId}`, ['userId']);
    const user = await this.users.findOneBy({ id: userId, agencyCode: ctx.principal.agencyCode });
    if (!user) throw new NotFoundError(`User ${userId}`);
    return user;
  }
}

