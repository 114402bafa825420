import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { PageInfoModel } from '../graphql/page-info.model.js';
import { LINK_REQUEST_STATUSES, type LinkRequestStatus, type SeizureLinkRequestEntity } from './seizure-link-request.entity.js';

export const LinkRequestStatusEnum = Object.fromEntries(LINK_REQUEST_STATUSES.map((s) => [s, s])) as { [K in LinkRequestStatus]: K };
registerEnumType(LinkRequestStatusEnum, {
  name: 'LinkRequestStatus',
  description: 'PENDING until the owner agency accepts or declines; WITHDRAWN when its operation closed while it was pending',
});

export const LinkRequestDecisionEnum = { ACCEPT: 'ACCEPT', DECLINE: 'DECLINE' } as const;
registerEnumType(LinkRequestDecisionEnum, { name: 'LinkRequestDecision' });

/** The parent object of its field resolvers is the SeizureLinkRequestEntity (operation and seizure are resolved). */
@ObjectType('SeizureLinkRequest', { description: "A lead's request that the owner agency link one of its reports to the lead's operation" })
export class SeizureLinkRequestModel {
  @Field(() => ID) id: string;
  @Field(() => LinkRequestStatusEnum) status: LinkRequestStatus;
  @Field(() => String, { nullable: true, description: 'Why the lead asks' }) note: string | null;
  @Field(() => String, { nullable: true, description: "The owner's note with its answer" }) responseNote: string | null;
  @Field({ description: 'The report owner, which decides' }) ownerAgency: string;
  @Field({ description: "The operation's lead agency, which asked" }) requestingAgency: string;
  @Field() createdAt: Date;
  @Field({ description: 'When the lead asked (the same as createdAt)' }) requestedAt: Date;
  @Field(() => Date, { nullable: true }) respondedAt: Date | null;
}

@ObjectType('SeizureLinkRequestEdge')
export class SeizureLinkRequestEdgeModel {
  @Field() cursor: string;
  @Field(() => SeizureLinkRequestModel) node: SeizureLinkRequestEntity;
}

@ObjectType('SeizureLinkRequestConnection')
export class SeizureLinkRequestConnectionModel {
  @Field(() => [SeizureLinkRequestEdgeModel]) edges: SeizureLinkRequestEdgeModel[];
  @Field(() => PageInfoModel) pageInfo: PageInfoModel;
}

@ObjectType('OperationLink', { description: 'How a report joined its operation: always by an act of its owner' })
export class OperationLinkModel {
  @Field({ description: 'SUBMITTED (filed with the operation), OWNER_LINKED, OWNER_ACCEPTED_REQUEST, or LEAD_LINK_UNCONFIRMED (linked by a lead before consent was required; shares nothing until the owner links it)' })
  basis: string;
  @Field({ description: 'The agency whose act it was: the report owner' }) consentedBy: string;
  @Field(() => Date, { nullable: true }) linkedAt: Date | null;
  @Field(() => ID, { nullable: true, description: 'OWNER_ACCEPTED_REQUEST: the request the owner accepted' }) requestId: string | null;
}
