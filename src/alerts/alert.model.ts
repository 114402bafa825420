import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { PageInfoModel } from '../graphql/page-info.model.js';
import { ALERT_STOPPERS, type AlertStopper } from './alert-stopper.js';

export const AlertStopperEnum = Object.fromEntries(ALERT_STOPPERS.map((s) => [s, s])) as { [K in AlertStopper]: K };
registerEnumType(AlertStopperEnum, {
  name: 'AlertStopper',
  description: 'Who stopped an alert, as a kind of actor: never which person',
  valuesMap: {
    OWNER: { description: 'Its owner (deleteAlert, or stopAgencyAlert on their own alert)' },
    AGENCY_ADMINISTRATOR: { description: 'An administrator of the agency the alert was made in (stopAgencyAlert)' },
    PLATFORM_ADMINISTRATOR: { description: 'A platform administrator from outside that agency (stopAgencyAlert)' },
  },
});

@ObjectType('Alert', { description: 'A saved seizure filter: matching new or newly released reports are delivered to its owner' })
export class AlertModel {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field({ description: 'The SeizureFilter, as JSON' }) filter: string;
  @Field() createdAt: Date;
  @Field({ description: 'The agency you made it in, the only one it fires in: after a move to another agency it no longer fires' })
  agencyCode: string;
  @Field(() => String, { nullable: true }) webhookUrl: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Key of the HMAC-SHA256 webhook signatures. Only createAlert returns it, once; it is null everywhere else',
  })
  webhookSecret: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Why this alert no longer fires (its filter cannot be evaluated); null while it works. Delete it and create a corrected one',
  })
  brokenReason: string | null;
  @Field(() => Date, { nullable: true }) brokenAt: Date | null;
  @Field({ description: 'False once you deleted it or an administrator stopped it: it matches and delivers nothing more' }) active: boolean;
  @Field(() => Date, { nullable: true, description: 'When it stopped (deleted by you or stopped by an administrator); null while active' })
  stoppedAt: Date | null;
  @Field(() => AlertStopperEnum, { nullable: true, description: 'Who stopped it, as a kind of actor (never which administrator); null while active' })
  stoppedBy: AlertStopper | null;
}

@ObjectType('AlertDelivery', { description: 'One report delivered (or being delivered) for an alert on one channel' })
export class AlertDeliveryModel {
  @Field(() => ID) id: string;
  @Field(() => ID) seizureId: string;
  @Field({ description: 'SUBSCRIPTION (recorded in the platform) or WEBHOOK' }) channel: string;
  @Field({ description: 'PENDING, DELIVERED or FAILED' }) status: string;
  @Field(() => Int) attempts: number;
  @Field(() => String, { nullable: true }) lastError: string | null;
  @Field() createdAt: Date;
  @Field(() => Date, { nullable: true }) deliveredAt: Date | null;
}

@ObjectType('AgencyAlert', {
  description:
    "An alert as an administrator sees it: whose it is, where its webhook goes and whether it runs. Never its filter, webhook secret, deliveries or why it broke: those are its owner's",
})
export class AgencyAlertModel {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field({ description: 'The agency the alert was made in, the only one it fires in' }) agencyCode: string;
  @Field(() => ID) ownerId: string;
  @Field(() => String, { nullable: true, description: 'Null when the owner no longer exists' }) ownerEmail: string | null;
  @Field() createdAt: Date;
  @Field(() => String, { nullable: true, description: 'The host of its webhook URL; null without a webhook' }) webhookHost: string | null;
  @Field({ description: 'False once its owner deleted it or an administrator stopped it' }) active: boolean;
  // Whether, not when: it breaks in the match job of whatever report comes next, one the
  // administrator may not read, so its time would date that report.
  @Field({ description: 'Whether it was found broken (its filter can no longer be evaluated, or its owner moved agency)' })
  broken: boolean;
  @Field({
    description:
      'Whether a new matching report would be delivered now: active, not broken, and its owner could still sign in themselves (an active user with an API key of their own or a bound OIDC identity) in the agency it was made in',
  })
  running: boolean;
}

@ObjectType('AgencyAlertEdge')
export class AgencyAlertEdgeModel {
  @Field() cursor: string;
  @Field(() => AgencyAlertModel) node: AgencyAlertModel;
}

@ObjectType('AgencyAlertConnection')
export class AgencyAlertConnectionModel {
  @Field(() => [AgencyAlertEdgeModel]) edges: AgencyAlertEdgeModel[];
  @Field(() => PageInfoModel) pageInfo: PageInfoModel;
}
