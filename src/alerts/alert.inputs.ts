import { Field, InputType } from '@nestjs/graphql';
import { SeizureFilter } from '../seizures/api/seizure.inputs.js';

@InputType()
export class AlertInput {
  @Field({ description: 'What the alert is called in lists and webhook payloads (1 to 200 characters)' }) name: string;
  @Field(() => SeizureFilter, { description: 'Reports matching this filter, among those you may see, trigger the alert' }) filter: SeizureFilter;
  @Field(() => String, {
    nullable: true,
    description: 'https:// URL that receives a signed POST per matching report (x-windward-signature: sha256=HMAC of the body)',
  })
  webhookUrl?: string | null;
}
