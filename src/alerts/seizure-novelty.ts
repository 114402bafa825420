import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
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
    const previous = await this.dataSource.getRepository(SeizureVersionEntity).findOneBy({ seizureId: entity.id, version: version - 1 });
    if (!previous) return null;
    // The snapshot holds every column that sharing and grading can change; the rest never change.
    const state = { ...entity, ...previous.snapshot } as SeizureEntity & { evaluationScheme: EvaluationScheme | null };
    // Versions written before links kept their participants: take them as shared with no participant,
    // so that a report linked again for one who joined later is news to it (at worst news twice).
    if (!('operationAudience' in previous.snapshot)) state.operationAudience = null;
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
