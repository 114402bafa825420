import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Access changes waiting to be read by the other processes on the embedded database, where the
 * event bus polls tables instead of using LISTEN/NOTIFY (see seizure-event-bus.ts). Rows older
 * than an hour are pruned by the next publisher.
 */
@Entity({ name: 'access_changes' })
@Index('idx_access_changes_created', ['createdAt'])
export class AccessChangeEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  seq: string;

  /** The AccessChange as JSON: user ids, agency codes and a short reason, nothing else. */
  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
