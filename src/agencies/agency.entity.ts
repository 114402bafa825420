import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { AgencyKind } from '../access/attributes.js';

export const AGENCY_STATUSES = ['ACTIVE', 'SUSPENDED'] as const;
export type AgencyStatus = (typeof AGENCY_STATUSES)[number];

@Entity({ name: 'agencies' })
export class AgencyEntity {
  /** Stable public identifier: ISO 3166-1 code for member administrations, `JIO`, `RILO-AP`, `WCO`. */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Index('idx_agencies_kind')
  @Column({ type: 'varchar', length: 32 })
  kind: AgencyKind;

  @Column({ type: 'char', length: 2, nullable: true })
  country: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  region: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  communities: string[];

  @Column({ name: 'legal_basis', type: 'text', array: true, default: () => "'{}'" })
  legalBasis: string[];

  @Column({ type: 'varchar', length: 16, default: 'ACTIVE' })
  status: AgencyStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
