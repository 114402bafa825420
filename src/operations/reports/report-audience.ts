import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import type { AppAbility } from '../../access/ability.factory.js';
import { AccessService } from '../../access/access.service.js';
import { AgencyEntity } from '../../agencies/agency.entity.js';

import type { Principal } from '../../access/principal.js';
import { ROLES, type Role } from '../../access/attributes.js';

/**
 * A user id no record names: an audience member is "any user of the agency", never one person,
 * so rules that name users (TLP:RED's named users and author) grant it nothing.
 */
export const AUDIENCE_USER_ID = '00000000-0000-4000-8000-000000000000';

/** One agency of a report's audience: the abilities of every role of it that may read the report. */
export interface AudienceAgency {
  agency: string;
  abilities: AppAbility[];
}

/**
 * Who reads an operation report, as abilities: the lead and every participating agency.
 *
 * Published versions are read by every user of an audience agency whatever their role (the policy's
 * OperationReport rule), so an agency reads a report as its least-privileged reader would: a
 * principal of the agency with no role and no user identity, plus one per role that may read the
 * report (in case a role's rules take something away), and without the rules that grant by release:
 * whether a report is released to an agency is nominal, and the report's content (and what its
 * compiling analyst is told was withheld) must not tell it. Abilities that grant the same seizure rules
 * are kept once. The report is then compiled from the intersection: rows every one of them may
 * read, fields every one of them may read, compiled to SQL by the CASL->SQL compiler.
 */
@Injectable()
export class ReportAudienceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  async of(operation: { leadAgency: string; participants: readonly string[] }): Promise<AudienceAgency[]> {
    const codes = [...new Set([operation.leadAgency, ...operation.participants])].sort();
    const agencies = await this.dataSource.getRepository(AgencyEntity).findBy({ code: In(codes) });
    const audience: AudienceAgency[] = [];
    for (const code of codes) {
      const agency = agencies.find((a) => a.code === code);
      if (!agency) throw new Error(`Operation participant ${code} is not in the agency directory`);
      const operations = await this.access.openOperationsOf(code);
      const seen = new Set<string>();
      const abilities: AppAbility[] = [];
      for (const roles of [[], ...ROLES.map((role) => [role])] as Role[][]) {
        const principal: Principal = {
          userId: AUDIENCE_USER_ID, email: `audience@${code.toLowerCase()}.invalid`, agencyCode: code, agencyKind: agency.kind,
          country: agency.country, region: agency.region, communities: agency.communities, roles, authMethod: 'system', openOperations: operations,
          readsAsReportAudience: true,
        };
        const ability = await this.access.abilityFor(principal);
        const readsPublished = this.access.can(ability, 'read', 'OperationReport', { status: 'PUBLISHED', audience: codes, leadAgency: operation.leadAgency });
        if (!readsPublished) continue;
        const key = JSON.stringify(ability.possibleRulesFor('read', 'Seizure').map((rule) => [rule.conditions, rule.fields, rule.inverted]));
        if (seen.has(key)) continue;
        seen.add(key);
        abilities.push(ability);
      }
      audience.push({ agency: code, abilities });
    }
    return audience;
  }
}
