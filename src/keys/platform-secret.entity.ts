import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * Random keys the platform makes for itself, one per purpose (the change feed's cursors), kept in
 * the database so that every replica and every restart uses the same one. Each is stored sealed
 * under PLATFORM_KEY_PASSPHRASE (SecretBox), so a copy of the database alone does not give it away.
 * Being random, a key says nothing about the passphrase: what it seals is no way to test guesses.
 */
@Entity({ name: 'platform_secrets' })
export class PlatformSecretEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  purpose: string;

  @Column({ type: 'text' })
  sealed: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
