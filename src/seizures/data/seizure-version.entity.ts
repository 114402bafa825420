import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One row per version of a report: what changed, who changed it, and the facts as they were. */
@Entity({ name: 'seizure_versions' })
export class SeizureVersionEntity {
  @PrimaryColumn({ name: 'seizure_id', type: 'uuid' })
  seizureId: string;

  @PrimaryColumn({ type: 'int' })
  version: number;

  /** SUBMITTED, UPDATED, RELEASED, RETRACTED, LINKED … */
  @Column({ type: 'varchar', length: 32 })
  change: string;

  @Column({ name: 'changed_by', type: 'uuid' })
  changedBy: string;

  @Column({ name: 'changed_fields', type: 'text', array: true, default: () => "'{}'" })
  changedFields: string[];

  /** The non-nominal facts after the change (never the sensitive section). */
  @Column({ type: 'jsonb' })
  snapshot: Record<string, unknown>;

  @CreateDateColumn({ name: 'changed_at', type: 'timestamptz' })
  changedAt: Date;
}
