import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A proof-of-possession challenge the platform issued (key-possession.ts): whoever registers a
 * public key signs its text with the private key. Single use: `used_at` is set when it is spent.
 */
@Entity({ name: 'key_challenges' })
export class KeyChallengeEntity {
  /** 32 random bytes, base64url: what makes each challenge, and so each signature, fresh. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  nonce: string;

  /** What the proven key will be registered as, e.g. `agency-key` (issue 14 adds `user-key`). */
  @Column({ type: 'varchar', length: 64 })
  purpose: string;

  /** Whose key it will be: an agency code for `agency-key`, a user id for a personal key. */
  @Column({ type: 'varchar', length: 128 })
  subject: string;

  /** The user the challenge was issued to; only they can spend it. */
  @Column({ name: 'issued_to', type: 'uuid' })
  issuedTo: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;
}
