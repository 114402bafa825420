import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export const KEY_REVOCATION_REASONS = ['COMPROMISED', 'SUPERSEDED', 'RETIRED'] as const;
export type KeyRevocationReasonName = (typeof KEY_REVOCATION_REASONS)[number];

/** An agency's registered OpenPGP public key (public part only; private keys are refused). */
@Entity({ name: 'agency_keys' })
@Index('idx_agency_keys_agency', ['agencyCode', 'keyCreatedAt'])
export class AgencyKeyEntity {
  /** Primary key fingerprint, upper-case hex. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  fingerprint: string;

  @Column({ name: 'agency_code', type: 'varchar', length: 32 })
  agencyCode: string;

  @Column({ type: 'varchar', length: 40 })
  algorithm: string;

  @Column({ type: 'text' })
  armored: string;

  /** When the key itself was made (from the key), which decides which key is the newest. */
  @Column({ name: 'key_created_at', type: 'timestamptz' })
  keyCreatedAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revocation_reason', type: 'varchar', length: 16, nullable: true })
  revocationReason: KeyRevocationReasonName | null;

  @Column({ name: 'revocation_note', type: 'varchar', length: 500, nullable: true })
  revocationNote: string | null;

  @Column({ name: 'registered_by', type: 'uuid' })
  registeredBy: string;

  @CreateDateColumn({ name: 'registered_at', type: 'timestamptz' })
  registeredAt: Date;
}
