import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../access/attributes.js';
import { AgencyEntity } from '../agencies/agency.entity.js';

export const USER_STATUSES = ['ACTIVE', 'DISABLED'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** A person or a machine client (a partner's system) acting for one agency. */
@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stored lower-cased so that lookups by email are exact. */
  @Index('uq_users_email', { unique: true })
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Index('idx_users_agency')
  @Column({ name: 'agency_code', type: 'varchar', length: 32 })
  agencyCode: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agency_code' })
  agency?: AgencyEntity;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  roles: Role[];

  @Column({ name: 'display_name', type: 'varchar', length: 200, nullable: true })
  displayName: string | null;

  /** `iss|sub` of the OIDC identity bound to this user: set on first sign-in with a verified email, removable by an agency admin. */
  @Index('uq_users_oidc_subject', { unique: true })
  @Column({ name: 'oidc_subject', type: 'varchar', length: 512, nullable: true })
  oidcSubject: string | null;

  /** When the OIDC identity was bound (shown to agency administrators with the binding). */
  @Column({ name: 'oidc_bound_at', type: 'timestamptz', nullable: true })
  oidcBoundAt: Date | null;

  @Column({ type: 'varchar', length: 16, default: 'ACTIVE' })
  status: UserStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
