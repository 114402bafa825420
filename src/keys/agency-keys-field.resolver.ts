import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import DataLoader from 'dataloader';
import { AgencyModel } from '../agencies/agency.model.js';
import { AUTHENTICATED, Allow, Ctx } from '../access/allow.decorator.js';
import type { RequestContext } from '../access/request-context.js';
import { AgencyKeyModel } from './agency-key.model.js';
import { AgencyKeysService } from './agency-keys.service.js';
import { toAgencyKeyModel } from './agency-keys.resolver.js';

/** `Agency.keys`: every registered key of the agency, revoked ones included, newest first. */
@Resolver(() => AgencyModel)
export class AgencyKeysFieldResolver {
  // One loader per request (the RequestContext is made once per request): a list of agencies costs one query.
  private readonly loaders = new WeakMap<RequestContext, DataLoader<string, AgencyKeyModel[]>>();

  constructor(private readonly keys: AgencyKeysService) {}

  @Allow(AUTHENTICATED)
  @ResolveField('keys', () => [AgencyKeyModel], { description: "The agency's registered OpenPGP public keys, newest first" })
  keysOf(@Ctx() ctx: RequestContext, @Parent() agency: AgencyModel): Promise<AgencyKeyModel[]> {
    return this.loaderFor(ctx).load(agency.code);
  }

  private loaderFor(ctx: RequestContext): DataLoader<string, AgencyKeyModel[]> {
    let loader = this.loaders.get(ctx);
    if (!loader) {
      loader = new DataLoader(async (codes: readonly string[]) => {
        const byAgency = new Map<string, AgencyKeyModel[]>(codes.map((code) => [code, []]));
        for (const key of await this.keys.listForAgencies(codes)) byAgency.get(key.agencyCode)?.push(toAgencyKeyModel(key));
        return codes.map((code) => byAgency.get(code) ?? []);
      });
      this.loaders.set(ctx, loader);
    }
    return loader;
  }
}
