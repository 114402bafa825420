import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Tlp } from '../seizures/seizure.enums.js';

export const OPERATION_STATUSES = ['PLANNING', 'ACTIVE', 'FOLLOW_UP', 'CLOSED'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

/** Allowed moves: forward one step, or straight to CLOSED (an operation can be called off). */
export const OPERATION_TRANSITIONS: Record<OperationStatus, OperationStatus[]> = {
  PLANNING: ['ACTIVE', 'CLOSED'],
  ACTIVE: ['FOLLOW_UP', 'CLOSED'],
  FOLLOW_UP: ['CLOSED'],
  CLOSED: [],
};

/** A regional operation (e.g. CARIBBEAN SHIELD): its lead, participants, period and state. */
@Entity({ name: 'operations' })
@Index('idx_operations_participants', { synchronize: false }) // GIN, created in the migration
// Unique per lead: a global name check would tell an analyst that an operation they may not see exists.
@Index('uq_operations_lead_code_name', ['leadAgency', 'codeName'], { unique: true })
export class OperationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'code_name', type: 'varchar', length: 100 })
  codeName: string;

  @Column({ type: 'varchar', length: 1000 })
  focus: string;

  @Column({ type: 'varchar', length: 16 })
  tlp: Tlp;

  @Index('idx_operations_lead')
  @Column({ name: 'lead_agency', type: 'varchar', length: 32 })
  leadAgency: string;

  /** Participating agencies, the lead included: who the operation's access rules reach. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  participants: string[];

  @Index('idx_operations_status')
  @Column({ type: 'varchar', length: 16 })
  status: OperationStatus;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @Column({ type: 'int', default: 1 })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
