import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { LINK_REQUEST_STATUSES, type LinkRequestStatus } from './seizure-link-request.entity.js';

export const LinkRequestStatusEnum = Object.fromEntries(LINK_REQUEST_STATUSES.map((s) => [s, s])) as { [K in LinkRequestStatus]: K };
registerEnumType(LinkRequestStatusEnum, { name: 'LinkRequestStatus', description: 'PENDING until the owner agency accepts or declines' });

export const LinkRequestDecisionEnum = { ACCEPT: 'ACCEPT', DECLINE: 'DECLINE' } as const;
registerEnumType(LinkRequestDecisionEnum, { name: 'LinkRequestDecision' });

/** The parent object of its field resolvers is the SeizureLinkRequestEntity (operation and seizure are resolved). */
@ObjectType('SeizureLinkRequest', { description: "A lead's request that the owner agency link one of its reports to the lead's operation" })
export class SeizureLinkRequestModel {
  @Field(() => ID) id: string;
  @Field(() => LinkRequestStatusEnum) status: LinkRequestStatus;
  @Field({ description: 'Why the lead asks' }) note: string;
  @Field({ description: 'The report owner, which decides' }) ownerAgency: string;
  @Field({ description: "The operation's lead agency, which asked" }) requestingAgency: string;
  @Field() createdAt: Date;
  @Field(() => Date, { nullable: true }) respondedAt: Date | null;
}

@ObjectType('OperationLink', { description: 'How a report joined its operation: always by an act of its owner' })
export class OperationLinkModel {
  @Field({ description: 'SUBMITTED (filed with the operation), OWNER_LINKED, OWNER_ACCEPTED_REQUEST, or LEAD_LINK_UNCONFIRMED (linked by a lead before consent was required; shares nothing until the owner links it)' })
  basis: string;
  @Field({ description: 'The agency whose act it was: the report owner' }) consentedBy: string;
  @Field(() => Date, { nullable: true }) linkedAt: Date | null;
  @Field(() => ID, { nullable: true, description: 'OWNER_ACCEPTED_REQUEST: the request the owner accepted' }) requestId: string | null;
}
