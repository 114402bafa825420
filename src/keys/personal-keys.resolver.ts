import { Args, Field, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { AUTHENTICATED, Allow, Ctx, OwnCredentials } from '../access/allow.decorator.js';
import type { RequestContext } from '../access/request-context.js';
import type { KeyRevocationReasonName } from './agency-key.entity.js';
import { KeyRevocationReasonEnum } from './agency-key.model.js';
import { PersonalKeysService } from './personal-keys.service.js';
import type { UserKeyEntity } from './user-key.entity.js';

@ObjectType('PersonalKey', { description: "A user's own OpenPGP public key: RED sections naming them are wrapped to it instead of to their agency's key" })
export class PersonalKeyModel {
  @Field({ description: 'Primary key fingerprint, upper-case hex' }) fingerprint: string;
  @Field() algorithm: string;
  @Field({ description: 'When the key itself was made; the newest valid key is the one sections are wrapped to' }) createdAt: Date;
  @Field(() => Date, { nullable: true }) expiresAt: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt: Date | null;
  @Field(() => KeyRevocationReasonEnum, { nullable: true }) revocationReason: KeyRevocationReasonName | null;
  @Field() armored: string;
}

@ObjectType('PersonalKeyChallenge', { description: 'Proof of possession: sign `challenge` with the private key of the personal key you register' })
export class PersonalKeyChallengeModel {
  @Field({ description: 'The exact text to sign; it names you and a fresh nonce' }) challenge: string;
  @Field() nonce: string;
  @Field({ description: 'After this the challenge is refused; one registration spends it' }) expiresAt: Date;
}

function toModel(key: UserKeyEntity): PersonalKeyModel {
  return {
    fingerprint: key.fingerprint, algorithm: key.algorithm, createdAt: key.keyCreatedAt, expiresAt: key.expiresAt,
    revokedAt: key.revokedAt, revocationReason: key.revocationReason, armored: key.armored,
  };
}

/** A user's personal keys are theirs alone: a key an administrator issued for them cannot register or revoke one. */
@OwnCredentials()
@Resolver(() => PersonalKeyModel)
export class PersonalKeysResolver {
  constructor(private readonly keys: PersonalKeysService) {}

  @Allow(AUTHENTICATED)
  @Query(() => [PersonalKeyModel], { description: 'Your personal OpenPGP keys, newest first, revoked ones included' })
  async personalKeys(@Ctx() ctx: RequestContext): Promise<PersonalKeyModel[]> {
    return (await this.keys.list(ctx.principal.userId)).map(toModel);
  }

  @Allow(AUTHENTICATED)
  @Mutation(() => PersonalKeyChallengeModel, { description: 'A single-use challenge to sign with the private key you will register as your personal key' })
  async personalKeyChallenge(@Ctx() ctx: RequestContext): Promise<PersonalKeyChallengeModel> {
    const challenge = await this.keys.challenge(ctx);
    return { challenge: challenge.text, nonce: challenge.nonce, expiresAt: challenge.expiresAt };
  }

  @Allow(AUTHENTICATED)
  @Mutation(() => PersonalKeyModel, { description: 'Registers your personal OpenPGP public key, proven by the signed text of personalKeyChallenge' })
  async registerPersonalKey(
    @Ctx() ctx: RequestContext,
    @Args('armoredPublicKey') armoredPublicKey: string,
    @Args('signedChallenge', { description: 'The challenge text signed with this key (gpg --sign --armor or gpg --clearsign)' }) signedChallenge: string,
  ): Promise<PersonalKeyModel> {
    return toModel(await this.keys.register(ctx, armoredPublicKey, signedChallenge));
  }

  @Allow(AUTHENTICATED)
  @Mutation(() => PersonalKeyModel, { description: 'Revokes one of your personal keys; COMPROMISED tells the owners of server-blind reports sealed to it' })
  async revokePersonalKey(
    @Ctx() ctx: RequestContext,
    @Args('fingerprint') fingerprint: string,
    @Args('reason', { type: () => KeyRevocationReasonEnum }) reason: KeyRevocationReasonName,
    @Args('note', { type: () => String, nullable: true }) note?: string | null,
  ): Promise<PersonalKeyModel> {
    return toModel(await this.keys.revoke(ctx, fingerprint, reason, note));
  }
}
