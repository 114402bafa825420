import { Field, ID, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AUTHENTICATED, Allow, Ctx } from '../../access/allow.decorator.js';
import type { RequestContext } from '../../access/request-context.js';

@ObjectType('SectionToReseal', { description: 'A server-blind report whose sensitive section is wrapped to a key revoked as COMPROMISED' })
export class SectionToResealModel {
  @Field(() => ID) seizureId: string;
  @Field() reference: string;
  @Field(() => ID, { description: 'The user who submitted it, who should re-seal it' }) createdBy: string;
  @Field({ description: 'The recipient holding the compromised key: an agency code or user:<id>' }) recipient: string;
  @Field() keyFingerprint: string;
  @Field(() => Date, { nullable: true }) keyRevokedAt: Date | null;
}

interface Row {
  seizure_id: string;
  reference: string;
  created_by: string;
  recipient: string;
  key_fingerprint: string;
  revoked_at: Date | null;
}

/**
 * Server-blind sections the server cannot re-wrap away from a compromised key: whoever holds that
 * key can still open them until the owner re-seals them (updateSeizure with the section). The
 * owner agency's administrators see all of their agency's; anyone else, those they submitted.
 */
@Resolver()
export class ResealResolver {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Allow(AUTHENTICATED)
  @Query(() => [SectionToResealModel], {
    description: "Server-blind reports sealed to a key since revoked as COMPROMISED: your agency's (agency administrators) or your own; re-seal each with updateSeizure(sensitive)",
  })
  async sectionsToReseal(@Ctx() ctx: RequestContext): Promise<SectionToResealModel[]> {
    const admin = ctx.principal.roles.includes('AGENCY_ADMIN');
    const rows = (await this.dataSource.query(
      `SELECT s.id AS seizure_id, s.reference, s.created_by, r.recipient, r.key_fingerprint, coalesce(ak.revoked_at, uk.revoked_at) AS revoked_at
         FROM seizures s
         JOIN section_recipients r ON r.seizure_id = s.id
         LEFT JOIN agency_keys ak ON ak.fingerprint = r.key_fingerprint AND ak.revocation_reason = 'COMPROMISED'
         LEFT JOIN user_keys uk ON uk.fingerprint = r.key_fingerprint AND uk.revocation_reason = 'COMPROMISED'
        WHERE s.server_blind AND s.status <> 'RETRACTED'
          AND (ak.fingerprint IS NOT NULL OR uk.fingerprint IS NOT NULL)
          AND s.reporting_agency = $1 AND ($2 OR s.created_by = $3)
        ORDER BY s.created_at DESC, s.id, r.recipient
        LIMIT 1000`,
      [ctx.principal.agencyCode, admin, ctx.principal.userId],
    )) as Row[];
    return rows.map((row) => ({
      seizureId: row.seizure_id, reference: row.reference, createdBy: row.created_by, recipient: row.recipient,
      keyFingerprint: row.key_fingerprint, keyRevokedAt: row.revoked_at,
    }));
  }
}
