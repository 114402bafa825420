import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A report's sensitive section at rest: one OpenPGP encrypted-data packet. The session key that
 * opens it is stored once per recipient in SectionRecipientEntity, so granting or withdrawing a
 * recipient never re-encrypts the payload.
 */
@Entity({ name: 'sealed_sections' })
export class SealedSectionEntity {
  @PrimaryColumn({ name: 'seizure_id', type: 'uuid' })
  seizureId: string;

  @Column({ type: 'bytea' })
  payload: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** One recipient's wrapped session key (an OpenPGP PKESK packet) for one sealed section. */
@Entity({ name: 'section_recipients' })
@Index('idx_section_recipients_key', ['keyFingerprint'])
export class SectionRecipientEntity {
  @PrimaryColumn({ name: 'seizure_id', type: 'uuid' })
  seizureId: string;

  /** `PLATFORM` (the storage key), an agency code, or `user:<id>` for RED named users. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  recipient: string;

  @Column({ name: 'key_fingerprint', type: 'varchar', length: 64 })
  keyFingerprint: string;

  @Column({ type: 'bytea' })
  pkesk: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
