import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { PageInfoModel } from '../graphql/page-info.model.js';
import type { AuditEventEntity } from './audit-event.entity.js';

@ObjectType('AuditEvent', { description: 'One entry of the tamper-evident audit trail' })
export class AuditEventModel {
  @Field(() => ID)
  id: string;

  @Field({ description: 'Position in the hash chain (a 64-bit integer, as a string)' })
  seq: string;

  @Field()
  at: Date;

  @Field({ description: 'The acting user id, or `system`' })
  actor: string;

  @Field(() => String, { nullable: true })
  actorEmail: string | null;

  @Field({ description: "The actor's agency" })
  agency: string;

  @Field()
  action: string;

  @Field(() => String, { nullable: true })
  resourceType: string | null;

  @Field(() => ID, { nullable: true })
  resourceId: string | null;

  @Field(() => String, { nullable: true, description: 'The agency that owns the resource' })
  resourceAgency: string | null;

  @Field(() => [String], { description: 'The fields disclosed or changed' })
  fields: string[];

  @Field({ description: 'Further details, as a JSON object' })
  details: string;

  @Field()
  prevHash: string;

  @Field({ description: 'sha256 (hex) over prevHash and the canonical JSON of the event' })
  hash: string;
}

@ObjectType('AuditEventEdge')
export class AuditEventEdgeModel {
  @Field()
  cursor: string;

  @Field(() => AuditEventModel)
  node: AuditEventModel;
}

@ObjectType('AuditEventConnection')
export class AuditEventConnectionModel {
  @Field(() => [AuditEventEdgeModel])
  edges: AuditEventEdgeModel[];

  @Field(() => PageInfoModel)
  pageInfo: PageInfoModel;
}

@ObjectType('AuditChainStatus', { description: 'The result of re-checking the whole hash chain' })
export class AuditChainStatusModel {
  @Field()
  ok: boolean;

  @Field(() => Int, { description: 'Events examined, up to and including the first broken one' })
  checked: number;

  @Field(() => ID, { nullable: true })
  firstBrokenId: string | null;

  @Field(() => String, { nullable: true })
  firstBrokenSeq?: string | null;

  @Field(() => String, { nullable: true, description: 'Why the first broken event breaks the chain' })
  reason?: string | null;
}

export function toAuditEventModel(event: AuditEventEntity): AuditEventModel {
  return { ...event, details: JSON.stringify(event.details) };
}
