import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { PageInfoModel } from '../graphql/page-info.model.js';
import type { AuditEventEntity } from './audit-event.entity.js';
import type { AuditChainView } from './audit-view.js';

@ObjectType('AuditEvent', { description: 'One entry of the tamper-evident audit trail' })
export class AuditEventModel {
  @Field(() => ID)
  id: string;

  @Field({
    description:
      "Position in the hash chain the caller is shown (a 64-bit integer, as a string): the platform's to auditors of the JIO and the WCO Secretariat, " +
      "otherwise the agency's own, which links only the events on its records",
  })
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

  @Field({ description: "The hash of the event before it in the same chain (64 zeros for the chain's first)" })
  prevHash: string;

  @Field({ description: 'sha256 (hex) over prevHash and the canonical JSON of the event, with seq as shown' })
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

@ObjectType('AuditChainStatus', { description: 'The result of re-checking the hash chain the caller is shown, whole' })
export class AuditChainStatusModel {
  @Field()
  ok: boolean;

  @Field(() => Int, { description: 'Events examined, up to and including the first broken one' })
  checked: number;

  @Field(() => ID, { nullable: true })
  firstBrokenId: string | null;

  @Field(() => String, { nullable: true, description: 'Its position in that chain' })
  firstBrokenSeq?: string | null;

  @Field(() => String, { nullable: true, description: 'Why the first broken event breaks the chain' })
  reason?: string | null;
}

/** The event as a reader shown `view`'s chain sees it: that chain's position and links, the content the same. */
export function toAuditEventModel(event: AuditEventEntity, view: AuditChainView): AuditEventModel {
  const { agencySeq, agencyPrevHash, agencyHash, ...content } = event;
  const model = { ...content, details: JSON.stringify(event.details) };
  if (view.kind === 'platform') return model;
  if (event.resourceAgency !== view.agency || agencySeq === null || agencyPrevHash === null || agencyHash === null) {
    throw new Error(`Audit event ${event.id} is not in ${view.agency}'s chain`); // the trail's query selects only those
  }
  return { ...model, seq: String(agencySeq), prevHash: agencyPrevHash, hash: agencyHash };
}
