import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { KeyRevocationReasonName } from './agency-key.entity.js';

/**
 * A user's personal OpenPGP public key, registered with proof of possession. RED sensitive
 * sections are wrapped to the named users' personal keys (not their agencies' keys) when they
 * have one.
 */
@Entity({ name: 'user_keys' })
@Index('idx_user_keys_user', ['userId', 'keyCreatedAt'])
export class UserKeyEntity {
  /** Primary key fingerprint, upper-case hex. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  fingerprint: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'varchar', length: 40 })
  algorithm: string;

  @Column({ type: 'text' })
  armored: string;

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

  @CreateDateColumn({ name: 'registered_at', type: 'timestamptz' })
  registeredAt: Date;
}
