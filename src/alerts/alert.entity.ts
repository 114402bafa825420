import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { AlertStopper } from './alert-stopper.js';

/** A saved seizure filter of one user; matching new or newly released reports are delivered to them. */
@Entity({ name: 'alerts' })
@Index('idx_alerts_active', ['active'])
export class AlertEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('idx_alerts_user')
  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'agency_code', type: 'varchar', length: 32 })
  agencyCode: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** The SeizureFilter as given, re-applied through the owner's own access rules at match time. */
  @Column({ type: 'jsonb' })
  filter: Record<string, unknown>;

  @Column({ name: 'webhook_url', type: 'varchar', length: 2000, nullable: true })
  webhookUrl: string | null;

  /** HMAC key for webhook signatures; shown to the owner once, at creation. */
  @Column({ name: 'webhook_secret', type: 'varchar', length: 128, nullable: true })
  webhookSecret: string | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** When the alert stopped (its owner deleted it or an administrator stopped it); null while active. */
  @Column({ name: 'stopped_at', type: 'timestamptz', nullable: true })
  stoppedAt: Date | null;

  /** Who stopped it, as a kind of actor (AlertStopper), never a person; null while active. */
  @Column({ name: 'stopped_by', type: 'varchar', length: 32, nullable: true })
  stoppedBy: AlertStopper | null;

  /** Why the alert stopped matching (its filter no longer evaluates); shown to its owner. Null while it works. */
  @Column({ name: 'broken_reason', type: 'varchar', length: 500, nullable: true })
  brokenReason: string | null;

  @Column({ name: 'broken_at', type: 'timestamptz', nullable: true })
  brokenAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** One notification of one report for one alert: the unique key makes delivery happen once. */
@Entity({ name: 'alert_deliveries' })
@Index('uq_alert_deliveries', ['alertId', 'seizureId', 'channel'], { unique: true })
export class AlertDeliveryEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'alert_id', type: 'uuid' })
  alertId: string;

  @Column({ name: 'seizure_id', type: 'uuid' })
  seizureId: string;

  /** SUBSCRIPTION or WEBHOOK */
  @Column({ type: 'varchar', length: 16 })
  channel: string;

  /** PENDING, DELIVERED, FAILED */
  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;
}
