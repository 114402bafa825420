import type { EntityMetadata, ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * Reads the entities of a query on the hot list paths (a search page) straight from the raw rows,
 * one assignment per column. TypeORM's own hydration is general (relations, embeddeds, column
 * transformers, joined aliases) and costs about as much CPU as the SQL itself on a 50-row page;
 * flat entities need none of it. The pg driver has already parsed every value (timestamps to
 * Date, arrays, numbers), so the result equals `getMany()`'s, which a test checks.
 */
export async function getManyFlat<T extends ObjectLiteral>(query: SelectQueryBuilder<T>): Promise<T[]> {
  const alias = query.expressionMap.mainAlias;
  if (!alias?.hasMetadata) throw new Error('getManyFlat needs a query over an entity');
  if (query.expressionMap.joinAttributes.some((join) => join.isSelected)) throw new Error('getManyFlat reads no joined entities; use getMany()');
  const columns = flatColumns(alias.metadata, alias.name);
  const rows = await query.getRawMany<Record<string, unknown>>();
  const target = alias.metadata.target as new () => T;
  return rows.map((row) => {
    const entity = new target();
    const record = entity as Record<string, unknown>;
    for (const [property, key] of columns) {
      const value = row[key];
      if (value !== undefined) record[property] = value; // undefined: not selected, left out as getMany() does
    }
    return entity;
  });
}

const cache = new WeakMap<EntityMetadata, Map<string, [string, string][]>>();

/** (property, raw row key) per column, checked once per entity: anything not flat is refused. */
function flatColumns(metadata: EntityMetadata, alias: string): [string, string][] {
  let byAlias = cache.get(metadata);
  if (!byAlias) cache.set(metadata, (byAlias = new Map()));
  let columns = byAlias.get(alias);
  if (!columns) {
    columns = metadata.columns.map((column): [string, string] => {
      if (column.embeddedMetadata || column.transformer || column.relationMetadata) {
        throw new Error(`${metadata.name}.${column.propertyName} is not a flat column; use getMany()`);
      }
      return [column.propertyName, `${alias}_${column.databaseName}`];
    });
    byAlias.set(alias, columns);
  }
  return columns;
}
