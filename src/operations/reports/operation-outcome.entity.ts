import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * What one participating administration recorded for an operation during its follow-up phase:
 * counts and a short non-nominal note, never persons. One row per (operation, agency); recording
 * again replaces it.
 */
@Entity({ name: 'operation_outcomes' })
@Index('uq_operation_outcomes_agency', ['operationId', 'agencyCode'], { unique: true })
export class OperationOutcomeEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'operation_id', type: 'uuid' })
  operationId: string;

  @Column({ name: 'agency_code', type: 'varchar', length: 32 })
  agencyCode: string;

  @Column({ type: 'int' })
  arrests: number;

  @Column({ name: 'cases_opened', type: 'int' })
  casesOpened: number;

  @Column({ type: 'int' })
  prosecutions: number;

  @Column({ name: 'controlled_deliveries', type: 'int' })
  controlledDeliveries: number;

  @Column({ name: 'follow_up_actions', type: 'int' })
  followUpActions: number;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  notes: string | null;

  @Column({ name: 'recorded_by', type: 'uuid' })
  recordedBy: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;
}
