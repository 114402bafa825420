import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { AccessService } from '../access/access.service.js';
import type { RequestContext } from '../access/request-context.js';
import { SeizureVersionEntity } from '../seizures/data/seizure-version.entity.js';
import type { SeizureEntity } from '../seizures/data/seizure.entity.js';
import type { EvaluationScheme } from '../seizures/seizure.enums.js';
import { isLowGrade } from '../seizures/write/seizure-validation.js';

/**
 * Tells a report that is new to a reader from one they could already use. Alerts and
 * subscriptions are about new and newly released reports: an amendment, a release or a link only
 * counts for readers who could not see the report before it, or saw it only as low grade.
 */
@Injectable()
export class SeizureNovelty {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  /** The report as it was just before `version`; null for its first version. */
  async before(entity: SeizureEntity, version: number): Promise<SeizureEntity | null> {
    if (version <= 1) return null;
    const versions = await this.dataSource.getRepository(SeizureVersionEntity).findBy({ seizureId: entity.id, version: In([version - 1, version]) });
    const previous = versions.find((v) => v.version === version - 1);
    if (!previous) return null;
    // The snapshot holds every column that sharing and grading can change; the rest never change.
    const state = { ...entity, ...previous.snapshot } as SeizureEntity & { evaluationScheme: EvaluationScheme | null };
    // A version written before links kept their participants has none. Only a link changes them:
    // for a link, take the report as shared with no participant before (news to one who joined
    // later; at worst news twice); for any other change, they were what they are now.
    const linked = versions.find((v) => v.version === version)?.changedFields.includes('operation') ?? false;
    if (!('operationAudience' in previous.snapshot) && linked) state.operationAudience = null;
    state.lowGrade = state.evaluationScheme && state.evaluationSource && state.evaluationInformation
      ? isLowGrade({ scheme: state.evaluationScheme, source: state.evaluationSource, information: state.evaluationInformation })
      : false;
    return state;
  }

  isNewTo(ctx: RequestContext, before: SeizureEntity | null): boolean {
    if (!before) return true;
    return before.lowGrade || before.status === 'RETRACTED' || !this.access.can(ctx.ability, 'read', 'Seizure', before);
  }
}
