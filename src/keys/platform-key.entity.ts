import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * The platform's own key pair, kept in the database so every replica uses the same one. The
 * private key is stored only encrypted with PLATFORM_KEY_PASSPHRASE, which is never stored here.
 */
@Entity({ name: 'platform_keys' })
export class PlatformKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  fingerprint: string;

  @Column({ name: 'armored_public', type: 'text' })
  armoredPublic: string;

  @Column({ name: 'armored_private', type: 'text' })
  armoredPrivate: string;

  /** Exactly one active key; the unique index on it makes concurrent first starts agree on one key. */
  @Column({ type: 'boolean', nullable: true, unique: true })
  active: boolean | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
