import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import DataLoader from 'dataloader';
import { AgencyModel } from '../agencies/agency.model.js';
import { AUTHENTICATED, Allow, Ctx } from '../access/allow.decorator.js';
import { PerRequest, type RequestContext } from '../access/request-context.js';
import { AgencyKeyModel } from './agency-key.model.js';
import { AgencyKeysService } from './agency-keys.service.js';
import { toAgencyKeyModel } from './agency-keys.resolver.js';

/** `Agency.keys`: every registered key of the agency, revoked ones included, newest first. */
@Resolver(() => AgencyModel)
export class AgencyKeysFieldResolver {
  // One loader per request: a list of agencies costs one query.
  private readonly loaders = new PerRequest(() => new DataLoader<string, AgencyKeyModel[]>(async (codes) => {
    const byAgency = new Map<string, AgencyKeyModel[]>(codes.map((code) => [code, []]));
    for (const key of await this.keys.listForAgencies(codes)) byAgency.get(key.agencyCode)?.push(toAgencyKeyModel(key));
    return codes.map((code) => byAgency.get(code) ?? []);
  }));

  constructor(private readonly keys: AgencyKeysService) {}

  @Allow(AUTHENTICATED)
  @ResolveField('keys', () => [AgencyKeyModel], { description: "The agency's registered OpenPGP public keys, newest first" })
  keysOf(@Ctx() ctx: RequestContext, @Parent() agency: AgencyModel): Promise<AgencyKeyModel[]> {
    return this.loaders.for(ctx).load(agency.code);
  }
}
