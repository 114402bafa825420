import { Field, ID, ObjectType } from '@nestjs/graphql';
import { AgencyModel } from '../agencies/agency.model.js';

@ObjectType('Principal', { description: 'The caller: a user or machine client acting for an agency' })
export class PrincipalModel {
  @Field(() => ID)
  userId: string;

  @Field()
  email: string;

  @Field(() => AgencyModel)
  agency: AgencyModel;

  @Field(() => [String])
  roles: string[];

  @Field({ description: 'How the caller authenticated: api-key or oidc' })
  authMethod: string;
}
