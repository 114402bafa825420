import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { KEY_REVOCATION_REASONS, type KeyRevocationReasonName } from './agency-key.entity.js';
import { KEY_REWRAP_STATES, KEY_REWRAP_TRIGGERS, type KeyRewrapState, type KeyRewrapTrigger } from './key-rewrap.types.js';

export const KeyRevocationReasonEnum = Object.fromEntries(KEY_REVOCATION_REASONS.map((r) => [r, r])) as { [K in KeyRevocationReasonName]: K };
registerEnumType(KeyRevocationReasonEnum, {
  name: 'KeyRevocationReason',
  description: 'Why a key was revoked; its earlier signatures stay verified unless COMPROMISED',
});

export const KeyRewrapTriggerEnum = Object.fromEntries(KEY_REWRAP_TRIGGERS.map((t) => [t, t])) as { [K in KeyRewrapTrigger]: K };
registerEnumType(KeyRewrapTriggerEnum, {
  name: 'KeyRewrapTrigger',
  description: 'What started a re-wrap: a new key was REGISTERED, or a key was revoked as COMPROMISED',
});

export const KeyRewrapStateEnum = Object.fromEntries(KEY_REWRAP_STATES.map((s) => [s, s])) as { [K in KeyRewrapState]: K };
registerEnumType(KeyRewrapStateEnum, { name: 'KeyRewrapState' });

@ObjectType('AgencyKey', { description: "An agency's registered OpenPGP public key (v4, RFC 4880)" })
export class AgencyKeyModel {
  @Field({ description: 'Primary key fingerprint, upper-case hex' })
  fingerprint: string;

  @Field()
  agencyCode: string;

  @Field({ description: 'curve25519, rsa3072, rsa4096, nistP256 …' })
  algorithm: string;

  @Field({ description: 'When the key itself was made; the newest valid key is the one data is encrypted to' })
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;

  @Field(() => KeyRevocationReasonEnum, { nullable: true })
  revocationReason: KeyRevocationReasonName | null;

  @Field({ description: 'The ASCII-armored public key' })
  armored: string;
}

@ObjectType('KeyRotationStatus', {
  description: "Progress of moving an agency's wrapped session keys (PKESKs) to its current key after a rotation or a compromise",
})
export class KeyRotationStatusModel {
  @Field({ description: 'The key whose registration or compromise started the re-wrap' })
  fingerprint: string;

  @Field(() => KeyRewrapTriggerEnum)
  trigger: KeyRewrapTrigger;

  @Field(() => KeyRewrapStateEnum)
  state: KeyRewrapState;

  @Field(() => String, { nullable: true, description: 'The key the PKESKs are moved to; null when the agency has no valid key left' })
  targetFingerprint: string | null;

  @Field(() => Int, { description: 'Percent done, 0–100' })
  progress: number;

  @Field(() => Int, {
    description:
      "Wrapped keys to process. This and the other counts cover the agency's own reports and those released to it; other agencies' TLP:RED reports naming one of its users are moved as well but not counted",
  })
  total: number;

  @Field(() => Int, { description: 'Wrapped keys processed so far (re-wrapped, removed or skipped)' })
  done: number;

  @Field(() => Int)
  rewrapped: number;

  @Field(() => Int, { description: 'Wrapped keys of a compromised key deleted because no valid key remains' })
  removed: number;

  @Field(() => Int, { description: 'Wrapped keys left as they are: server-blind records (no platform copy) cannot be re-wrapped' })
  skipped: number;

  @Field(() => Int, {
    description: 'Reports the agency was entitled to but held no key able to decrypt for (none registered yet, or its encryption subkey expired), now wrapped for the target key',
  })
  granted: number;

  @Field(() => String, { nullable: true })
  failedReason: string | null;
}

@ObjectType('KeyChallenge', { description: 'Proof of possession: sign `challenge` with the private key of the key you register' })
export class KeyChallengeModel {
  @Field({ description: 'The exact text to sign; it names your agency and a fresh nonce' })
  challenge: string;

  @Field()
  nonce: string;

  @Field({ description: 'After this the challenge is refused; it is also spent by one registration' })
  expiresAt: Date;
}
