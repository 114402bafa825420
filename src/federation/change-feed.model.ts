import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { SeizureModel } from '../seizures/api/seizure.model.js';

export const CHANGE_KINDS = ['UPSERT', 'REMOVE'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];
export const ChangeKindEnum = Object.fromEntries(CHANGE_KINDS.map((k) => [k, k])) as { [K in ChangeKind]: K };
registerEnumType(ChangeKindEnum, {
  name: 'ChangeKind',
  description: 'UPSERT: store the report as given; REMOVE: it was retracted or is no longer visible to you, delete it',
});

@ObjectType('Change', { description: 'The current state of one report that changed, as you may see it now' })
export class ChangeModel {
  @Field(() => ChangeKindEnum) kind: ChangeKind;
  @Field(() => ID) seizureId: string;
  @Field({ description: 'When the change was recorded' }) at: Date;
  @Field(() => SeizureModel, { nullable: true, description: 'The report (redacted for you) on UPSERT; null on REMOVE' })
  seizure: SeizureModel | null;
}

@ObjectType('ChangeFeed')
export class ChangeFeedModel {
  @Field(() => [ChangeModel]) items: ChangeModel[];
  @Field(() => String, { nullable: true, description: 'Opaque; pass as `after` to continue from here' }) cursor: string | null;
  @Field({ description: 'True when more changes are waiting: ask again right away' }) hasMore: boolean;
}
