import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Append-only log of every change to a report (submission, amendment, release, retraction,
 * linking). Partners' change feeds page through it by `seq`; alerts are triggered from it.
 */
@Entity({ name: 'seizure_changes' })
@Index('idx_seizure_changes_seizure', ['seizureId', 'seq'])
export class SeizureChangeEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  seq: string;

  @Column({ name: 'seizure_id', type: 'uuid' })
  seizureId: string;

  @Column({ type: 'int' })
  version: number;

  @Column({ type: 'varchar', length: 32 })
  change: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;
}
