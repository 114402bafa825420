import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('Alert', { description: 'A saved seizure filter: matching new or newly released reports are delivered to its owner' })
export class AlertModel {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field({ description: 'The SeizureFilter, as JSON' }) filter: string;
  @Field() createdAt: Date;
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
