import { Directive, Field, ObjectType } from '@nestjs/graphql';

@ObjectType('PageInfo')
@Directive('@shareable') // partners' subgraphs commonly define the same Relay PageInfo
export class PageInfoModel {
  @Field() hasNextPage: boolean;
  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page' }) endCursor: string | null;
}
