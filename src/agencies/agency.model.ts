import { Directive, Field, ObjectType, registerEnumType } from '@nestjs/graphql';
import { AGENCY_KINDS, type AgencyKind } from '../access/attributes.js';

export const AgencyKindEnum = Object.fromEntries(AGENCY_KINDS.map((k) => [k, k])) as { [K in AgencyKind]: K };
registerEnumType(AgencyKindEnum, { name: 'AgencyKind', description: 'What sort of organisation an agency is' });

@ObjectType('Agency', { description: 'A customs administration, intelligence office or partner organisation' })
@Directive('@key(fields: "code")')
export class AgencyModel {
  @Field({ description: 'Stable code: ISO 3166-1 alpha-2 for member administrations, JIO, RILO-AP, WCO …' })
  code: string;

  @Field()
  name: string;

  @Field(() => AgencyKindEnum)
  kind: AgencyKind;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2' })
  country: string | null;

  @Field(() => String, { nullable: true })
  region: string | null;

  @Field(() => [String], { description: 'Trust communities, e.g. CCLEC, WCO-RILO (TLP:GREEN reach)' })
  communities: string[];
}
