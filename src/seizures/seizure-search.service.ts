import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { whereAllowed } from '../access/casl-sql.js';
import type { RequestContext } from '../auth/request-context.js';
import { getManyFlat } from '../database/flat-entities.js';
import { BadUserInputError } from '../errors/domain-error.js';
import { SEIZURE_SEARCH_DOCUMENT } from './seizure-search-text.js';
import { SeizureEntity } from './seizure.entity.js';
import type { SeizureDimension } from './seizure.enums.js';
import type { SeizureFilter } from './seizure.inputs.js';
import { isCountryCode } from './seizure-validation.js';
import { isUuid } from '../database/uuid.js';

const ALIAS = 's';
export const MAX_PAGE = 200;

/** SQL expression of each statistics dimension; MONTH is the UTC calendar month. */
const DIMENSION_SQL: Record<SeizureDimension, string> = {
  COUNTRY: `${ALIAS}.country`,
  REPORTING_AGENCY: `${ALIAS}.reporting_agency`,
  COMMODITY_CATEGORY: `${ALIAS}.commodity_category`,
  TRANSPORT_MODE: `${ALIAS}.transport_mode`,
  DETECTION_METHOD: `${ALIAS}.detection_method`,
  MONTH: `to_char(${ALIAS}.seized_at AT TIME ZONE 'UTC', 'YYYY-MM')`,
  OPERATION: `coalesce(${ALIAS}.operation_id::text, '')`,
};

export interface SeizurePage {
  rows: SeizureEntity[];
  hasNextPage: boolean;
}

export interface StatBucket {
  keys: string[];
  count: number;
  totalQuantity: number | null;
  quantityUnit: string | null;
  totalValue: number | null;
}

/** Keyset cursor over (seized_at DESC, id DESC): stable while reports are added between pages. */
export function encodeCursor(row: Pick<SeizureEntity, 'seizedAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([row.seizedAt.toISOString(), row.id])).toString('base64url');
}

function decodeCursor(cursor: string): { seizedAt: string; id: string } {
  try {
    const [seizedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (Number.isNaN(Date.parse(seizedAt)) || !/^[0-9a-f-]{36}$/.test(id)) throw new Error('bad cursor');
    return { seizedAt, id };
  } catch {
    throw new BadUserInputError('after: not a cursor returned by this API', ['after']);
  }
}

export function clampFirst(first: number | null | undefined, fallback = 20): number {
  const value = first ?? fallback;
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE) throw new BadUserInputError(`first: must be between 1 and ${MAX_PAGE}`, ['first']);
  return value;
}

/**
 * Reads seizure reports. Every query starts from `visible()`, which puts the caller's access rules
 * into the SQL WHERE, so pages, counts and statistics only ever cover what the caller may see.
 */
@Injectable()
export class SeizureSearchService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  visible(ctx: RequestContext, filter?: SeizureFilter | null): SelectQueryBuilder<SeizureEntity> {
    const query = this.dataSource.getRepository(SeizureEntity).createQueryBuilder(ALIAS);
    whereAllowed(query, ctx.ability, 'read', 'Seizure');
    return this.applyFilter(query, filter ?? {});
  }

  async findVisible(ctx: RequestContext, id: string): Promise<SeizureEntity | null> {
    if (!isUuid(id)) return null;
    return this.visible(ctx, { includeRetracted: true }).andWhere(`${ALIAS}.id = :id`, { id }).getOne();
  }

  /** One page, newest first; `columns` limits what is read (SeizureProjection), the others stay undefined. */
  async page(
    ctx: RequestContext,
    filter: SeizureFilter | null | undefined,
    first: number,
    after?: string | null,
    columns?: readonly (keyof SeizureEntity)[] | null,
  ): Promise<SeizurePage> {
    const query = this.visible(ctx, filter);
    if (columns) query.select(columns.map((column) => `${ALIAS}.${column}`));
    if (after) {
      const cursor = decodeCursor(after);
      query.andWhere(`(${ALIAS}.seized_at, ${ALIAS}.id) < (:cursorAt::timestamptz, :cursorId::uuid)`, { cursorAt: cursor.seizedAt, cursorId: cursor.id });
    }
    const rows = await getManyFlat(query.orderBy(`${ALIAS}.seized_at`, 'DESC').addOrderBy(`${ALIAS}.id`, 'DESC').limit(first + 1));
    return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  count(ctx: RequestContext, filter?: SeizureFilter | null): Promise<number> {
    return this.visible(ctx, filter).getCount();
  }

  async stats(ctx: RequestContext, filter: SeizureFilter | null | undefined, groupBy: SeizureDimension[]): Promise<StatBucket[]> {
    if (groupBy.length === 0 || new Set(groupBy).size !== groupBy.length) {
      throw new BadUserInputError('groupBy: name one or more different dimensions', ['groupBy']);
    }
    const query = this.visible(ctx, filter).select([]);
    groupBy.forEach((dimension, i) => {
      query.addSelect(DIMENSION_SQL[dimension], `k${i}`).addGroupBy(`k${i}`);
    });
    query
      .addSelect('count(*)::int', 'count')
      // "One unit in the bucket" as min = max (quantity_unit is NOT NULL): unlike count(DISTINCT),
      // it aggregates by hash without sorting every matching row.
      .addSelect(`CASE WHEN min(${ALIAS}.quantity_unit) = max(${ALIAS}.quantity_unit) THEN sum(${ALIAS}.quantity_value) END`, 'total_quantity')
      .addSelect(`CASE WHEN min(${ALIAS}.quantity_unit) = max(${ALIAS}.quantity_unit) THEN min(${ALIAS}.quantity_unit) END`, 'quantity_unit')
      .addSelect(`sum(${ALIAS}.value_usd)`, 'total_value')
      .orderBy('count', 'DESC');
    groupBy.forEach((_d, i) => query.addOrderBy(`k${i}`, 'ASC'));
    const rows = await query.getRawMany<Record<string, string | number | null>>();
    return rows.map((row) => ({
      keys: groupBy.map((_d, i) => String(row[`k${i}`] ?? '')),
      count: Number(row.count),
      totalQuantity: row.total_quantity == null ? null : Number(row.total_quantity),
      quantityUnit: row.quantity_unit == null ? null : String(row.quantity_unit),
      totalValue: row.total_value == null ? null : Math.round(Number(row.total_value) * 100) / 100,
    }));
  }

  private applyFilter(query: SelectQueryBuilder<SeizureEntity>, filter: SeizureFilter): SelectQueryBuilder<SeizureEntity> {
    const countries = filter.countries?.map((c) => c.toUpperCase());
    const bad = [...(countries ?? []), ...(filter.routeCountry ? [filter.routeCountry.toUpperCase()] : [])].filter((c) => !isCountryCode(c));
    if (bad.length) throw new BadUserInputError(`Not ISO 3166-1 alpha-2 country codes: ${bad.join(', ')}`, ['filter.countries']);
    if (filter.seizedFrom && filter.seizedTo && filter.seizedFrom > filter.seizedTo) {
      throw new BadUserInputError('filter.seizedFrom must not be after filter.seizedTo', ['filter.seizedFrom']);
    }
    if (!filter.includeRetracted) query.andWhere(`${ALIAS}.status <> 'RETRACTED'`);
    if (filter.commodityCategories?.length) query.andWhere(`${ALIAS}.commodity_category IN (:...fCategories)`, { fCategories: filter.commodityCategories });
    if (countries?.length) query.andWhere(`${ALIAS}.country IN (:...fCountries)`, { fCountries: countries });
    if (filter.reportingAgencies?.length) {
      query.andWhere(`${ALIAS}.reporting_agency IN (:...fAgencies)`, { fAgencies: filter.reportingAgencies.map((a) => a.toUpperCase()) });
    }
    if (filter.transportModes?.length) query.andWhere(`${ALIAS}.transport_mode IN (:...fModes)`, { fModes: filter.transportModes });
    if (filter.detectionMethods?.length) query.andWhere(`${ALIAS}.detection_method IN (:...fMethods)`, { fMethods: filter.detectionMethods });
    if (filter.tlps?.length) query.andWhere(`${ALIAS}.tlp IN (:...fTlps)`, { fTlps: filter.tlps });
    if (filter.routeCountry) query.andWhere(`${ALIAS}.route_countries @> ARRAY[:fRoute]::text[]`, { fRoute: filter.routeCountry.toUpperCase() });
    if (filter.seizedFrom) query.andWhere(`${ALIAS}.seized_at >= :fFrom`, { fFrom: filter.seizedFrom });
    if (filter.seizedTo) query.andWhere(`${ALIAS}.seized_at <= :fTo`, { fTo: filter.seizedTo });
    if (filter.operationId) {
      if (!/^[0-9a-f-]{36}$/i.test(filter.operationId)) throw new BadUserInputError('filter.operationId: not an id', ['filter.operationId']);
      query.andWhere(`${ALIAS}.operation_id = :fOperation`, { fOperation: filter.operationId });
    }
    if (filter.text?.trim()) {
      if (filter.text.length > 200) throw new BadUserInputError('filter.text: at most 200 characters', ['filter.text']);
      query.andWhere(`${SEIZURE_SEARCH_DOCUMENT(ALIAS)} @@ plainto_tsquery('simple', :fText)`, { fText: filter.text });
    }
    return query;
  }
}
