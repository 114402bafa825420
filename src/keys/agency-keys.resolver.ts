import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AUTHENTICATED, Allow, Ctx } from '../access/allow.decorator.js';
import type { RequestContext } from '../access/request-context.js';
import type { AgencyKeyEntity, KeyRevocationReasonName } from './agency-key.entity.js';
import { AgencyKeyModel, KeyChallengeModel, KeyRevocationReasonEnum, KeyRotationStatusModel } from './agency-key.model.js';
import { AgencyKeyAdminService } from './agency-key-admin.service.js';
import { KeyRotationService } from './key-rotation.service.js';
import { PlatformKeyService } from './platform-key.service.js';

export function toAgencyKeyModel(key: AgencyKeyEntity): AgencyKeyModel {
  return {
    fingerprint: key.fingerprint,
    agencyCode: key.agencyCode,
    algorithm: key.algorithm,
    createdAt: key.keyCreatedAt,
    expiresAt: key.expiresAt,
    revokedAt: key.revokedAt,
    revocationReason: key.revocationReason,
    armored: key.armored,
  };
}

@Resolver(() => AgencyKeyModel)
export class AgencyKeysResolver {
  constructor(
    private readonly admin: AgencyKeyAdminService,
    private readonly rotation: KeyRotationService,
    private readonly platformKeys: PlatformKeyService,
  ) {}

  @Allow(AUTHENTICATED)
  @Query(() => String, { description: "The platform's armored OpenPGP public key: what sealed submissions are encrypted to" })
  platformKey(): string {
    return this.platformKeys.armoredPublicKey;
  }

  @Allow('AGENCY_ADMIN')
  @Query(() => KeyRotationStatusModel, {
    nullable: true,
    description: "Progress of the re-wrap that registering (or revoking as COMPROMISED) one of the caller's agency keys started; null when none was queued",
  })
  keyRotationStatus(@Ctx() ctx: RequestContext, @Args('fingerprint') fingerprint: string): Promise<KeyRotationStatusModel | null> {
    return this.rotation.status(ctx, fingerprint);
  }

  @Allow('AGENCY_ADMIN')
  @Mutation(() => AgencyKeyModel, { description: "Registers an OpenPGP public key for the caller's agency; a newer key becomes the one data is encrypted to" })
  async registerAgencyKey(
    @Ctx() ctx: RequestContext,
    @Args('armoredPublicKey') armoredPublicKey: string,
    @Args('signedChallenge', { description: 'The text of agencyKeyChallenge signed with this key (gpg --sign --armor, gpg --clearsign, or windward key register)' })
    signedChallenge: string,
  ): Promise<AgencyKeyModel> {
    return toAgencyKeyModel(await this.admin.register(ctx, armoredPublicKey, signedChallenge));
  }

  @Allow('AGENCY_ADMIN')
  @Mutation(() => KeyChallengeModel, {
    description: 'A single-use challenge naming your agency and a fresh nonce: sign its text with the private key you register (proof of possession)',
  })
  async agencyKeyChallenge(@Ctx() ctx: RequestContext): Promise<KeyChallengeModel> {
    const challenge = await this.admin.challenge(ctx);
    return { challenge: challenge.text, nonce: challenge.nonce, expiresAt: challenge.expiresAt };
  }

  @Allow('AGENCY_ADMIN')
  @Mutation(() => AgencyKeyModel, { description: "Revokes one of the caller's agency keys" })
  async revokeAgencyKey(
    @Ctx() ctx: RequestContext,
    @Args('fingerprint') fingerprint: string,
    @Args('reason', { type: () => KeyRevocationReasonEnum }) reason: KeyRevocationReasonName,
    @Args('note', { type: () => String, nullable: true }) note?: string | null,
  ): Promise<AgencyKeyModel> {
    return toAgencyKeyModel(await this.admin.revoke(ctx, fingerprint, reason, note));
  }
}
