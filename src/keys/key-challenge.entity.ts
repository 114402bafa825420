import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A challenge issued to prove possession of a private key (key-possession.ts). Spent once:
 * `used_at` is set by the registration that answers it.
 *
 * Same table and columns as the agency-key proof of possession on the issue-13 branch, so that
 * the two branches merge onto one table.
 */
@Entity({ name: 'key_challenges' })
export class KeyChallengeEntity {
  /** 32 random bytes, base64url. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  nonce: string;

  /** What the key is being registered as: `user-key` here, `agency-key` for agencies. */
  @Column({ type: 'varchar', length: 64 })
  purpose: string;

  /** Whose key it will be: a user id, an agency code. */
  @Column({ type: 'varchar', length: 128 })
  subject: string;

  /** Only this user may answer it. */
  @Column({ name: 'issued_to', type: 'uuid' })
  issuedTo: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;
}
