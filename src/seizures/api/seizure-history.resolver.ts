import { Field, Int, ObjectType, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { InjectRepository } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { In, type Repository } from 'typeorm';
import { Ctx } from '../../access/allow.decorator.js';
import { PerRequest, type RequestContext } from '../../access/request-context.js';
import { SeizureVersionEntity } from '../data/seizure-version.entity.js';
import { SeizureModel } from './seizure.model.js';
import type { SeizureView } from '../read/seizure-view.js';

@ObjectType('SeizureVersion')
export class SeizureVersionModel {
  @Field(() => Int) version: number;
  @Field({ description: 'SUBMITTED, UPDATED, RELEASED, RETRACTED, LINKED …' }) change: string;
  @Field(() => [String]) changedFields: string[];
  @Field() changedAt: Date;
}

/**
 * A report's version history: what changed and when. It tells who the report was released to and
 * when its nominal section changed, so it is disclosed with the distribution (field `history`,
 * in seizure.nominal): others get an empty list and `history` in redactedFields.
 */
@Resolver(() => SeizureModel)
export class SeizureHistoryResolver {
  /** One query for all the reports of a page. */
  private readonly loaders = new PerRequest(() => new DataLoader<string, SeizureVersionModel[]>(async (ids) => {
    const rows = await this.versions.find({ where: { seizureId: In([...ids]) }, order: { version: 'ASC' } });
    return ids.map((id) => rows.filter((r) => r.seizureId === id).map(({ version, change, changedFields, changedAt }) => ({ version, change, changedFields, changedAt })));
  }));

  constructor(@InjectRepository(SeizureVersionEntity) private readonly versions: Repository<SeizureVersionEntity>) {}

  @ResolveField('history', () => [SeizureVersionModel], { description: 'Versions, oldest first; empty (and in redactedFields) unless you may see the distribution' })
  history(@Ctx() ctx: RequestContext, @Parent() view: SeizureView): Promise<SeizureVersionModel[]> | SeizureVersionModel[] {
    if (!view.maySeeHistory) return [];
    return this.loaders.for(ctx).load(view.id);
  }
}
