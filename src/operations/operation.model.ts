import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { PageInfoModel } from '../graphql/page-info.model.js';
import type { Tlp } from '../seizures/seizure.enums.js';
import { TlpEnum } from '../seizures/api/seizure.inputs.js';
import { OPERATION_STATUSES, type OperationStatus } from './operation.entity.js';

export const OperationStatusEnum = Object.fromEntries(OPERATION_STATUSES.map((s) => [s, s])) as { [K in OperationStatus]: K };
registerEnumType(OperationStatusEnum, { name: 'OperationStatus', description: 'PLANNING -> ACTIVE -> FOLLOW_UP -> CLOSED' });

@InputType()
export class OperationInput {
  @Field({ description: 'e.g. CARIBBEAN SHIELD' }) codeName: string;
  @Field() focus: string;
  @Field(() => TlpEnum) tlp: Tlp;
  @Field() startsAt: Date;
  @Field() endsAt: Date;
  @Field(() => [String], { nullable: true, description: 'Participating agency codes (the lead is always one)' }) participants?: string[] | null;
}

@ObjectType('Operation')
@Directive('@key(fields: "id")')
export class OperationModel {
  @Field(() => ID) id: string;
  @Field() codeName: string;
  @Field() focus: string;
  @Field(() => TlpEnum) tlp: Tlp;
  @Field(() => OperationStatusEnum) status: OperationStatus;
  @Field() startsAt: Date;
  @Field() endsAt: Date;
  @Field(() => Int) version: number;
  @Field() createdAt: Date;
  @Field() updatedAt: Date;
}

@ObjectType('OperationEdge')
export class OperationEdgeModel {
  @Field() cursor: string;
  @Field(() => OperationModel) node: OperationModel;
}

@ObjectType('OperationConnection')
export class OperationConnectionModel {
  @Field(() => [OperationEdgeModel]) edges: OperationEdgeModel[];
  @Field(() => PageInfoModel) pageInfo: PageInfoModel;
  @Field(() => Int) totalCount: number;
}
