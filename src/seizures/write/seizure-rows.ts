import type { DataSource, EntityManager } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { SeizureEntity } from '../data/seizure.entity.js';

/**
 * The two statements on `seizures` a new submission sends, as plain SQL built once from the
 * entity's metadata: TypeORM's query builders re-derive a 50-column statement, with aliases, on
 * every call (the largest share of the ORM's time in the ingest profile). Values go through the
 * driver's own conversions both ways, so rows read and written are exactly what TypeORM's
 * findOneBy and insert would give.
 */
export class SeizureRows {
  private readonly columns: ColumnMetadata[];
  private readonly selectList: string;
  private readonly byReferenceSql: string;
  private readonly insertSql = new Map<string, string>();

  constructor(private readonly dataSource: DataSource) {
    const metadata = dataSource.getMetadata(SeizureEntity);
    this.columns = metadata.columns.filter((column) => !column.isVirtual);
    this.selectList = this.columns.filter((column) => column.isSelect).map((column) => `"${column.databaseName}"`).join(', ');
    this.byReferenceSql = `SELECT ${this.selectList} FROM seizures WHERE reporting_agency = $1 AND reference = $2 LIMIT 1`;
  }

  /** The agency's report with this reference, or null (what findOneBy({ reportingAgency, reference }) returns). */
  async byReference(agency: string, reference: string, manager: EntityManager = this.dataSource.manager): Promise<SeizureEntity | null> {
    const [raw] = (await manager.query(this.byReferenceSql, [agency, reference])) as Record<string, unknown>[];
    return raw ? this.hydrated(raw) : null;
  }

  /**
   * Inserts a new report unless its agency already used its reference (ON CONFLICT DO NOTHING, as
   * `orIgnore()`); the stored row, or null. Columns the entity leaves undefined take their
   * database default, as TypeORM's DEFAULT does.
   */
  async insertNew(manager: EntityManager, entity: SeizureEntity): Promise<SeizureEntity | null> {
    const names: string[] = [];
    const values: unknown[] = [];
    for (const column of this.columns) {
      if (!column.isInsert) continue;
      const value: unknown = column.getEntityValue(entity);
      if (value === undefined) continue;
      names.push(column.databaseName);
      values.push(this.dataSource.driver.preparePersistentValue(value, column));
    }
    const key = names.join(',');
    let sql = this.insertSql.get(key);
    if (!sql) {
      const placeholders = names.map((_, i) => `$${i + 1}`).join(', ');
      sql = `INSERT INTO seizures (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${placeholders}) ON CONFLICT DO NOTHING RETURNING ${this.selectList}`;
      this.insertSql.set(key, sql);
    }
    const [raw] = (await manager.query(sql, values)) as Record<string, unknown>[];
    return raw ? this.hydrated(raw) : null;
  }

  /** A row as TypeORM hydrates it: an entity instance, each column through the driver's conversion. */
  private hydrated(raw: Record<string, unknown>): SeizureEntity {
    const row = this.dataSource.getMetadata(SeizureEntity).create() as SeizureEntity;
    for (const column of this.columns) {
      const value = raw[column.databaseName];
      if (value === undefined || !column.isSelect) continue;
      column.setEntityValue(row, this.dataSource.driver.prepareHydratedValue(value, column));
    }
    return row;
  }
}
