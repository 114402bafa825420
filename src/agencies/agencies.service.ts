import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { RequestContext } from '../access/request-context.js';
import { AgencyEntity } from './agency.entity.js';
import type { AgencyKind } from '../access/attributes.js';

/** Reads the agency directory. Agencies are reference data: every authenticated principal sees them. */
@Injectable()
export class AgenciesService {
  constructor(@InjectRepository(AgencyEntity) private readonly agencies: Repository<AgencyEntity>) {}

  list(_ctx: RequestContext, kind?: AgencyKind): Promise<AgencyEntity[]> {
    return this.agencies.find({ where: kind ? { kind } : {}, order: { code: 'ASC' } });
  }

  findByCode(_ctx: RequestContext, code: string): Promise<AgencyEntity | null> {
    return this.agencies.findOneBy({ code: code.toUpperCase() });
  }

  /** For DataLoaders: the agencies with these codes, in one query. */
  async findByCodes(codes: readonly string[]): Promise<Map<string, AgencyEntity>> {
    const rows = codes.length ? await this.agencies.createQueryBuilder('a').where('a.code = ANY(:codes)', { codes: [...codes] }).getMany() : [];
    return new Map(rows.map((row) => [row.code, row]));
  }
}
