import { Global, Injectable, Module } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { OPEN_OPERATIONS, type OpenOperations } from '../access/open-operations.js';
import { OperationEntity } from './operation.entity.js';
import { isUuid } from '../database/uuid.js';

/**
 * The one implementation of the OpenOperations port: which open operations an agency takes part
 * in, the `operations` attribute of every caller's abilities. Closing an operation drops it from
 * here, which ends participants' access.
 */
@Injectable()
export class OperationMembershipService implements OpenOperations {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Part of every caller's abilities: one plain statement (API-key requests read it with the key, via openOperationsSql). */
  async openOperationsOf(agencyCode: string): Promise<string[]> {
    const rows: { operations: string[] }[] = await this.dataSource.query(`SELECT ${this.openOperationsSql('$1::text')} AS operations`, [agencyCode]);
    return rows[0].operations;
  }

  openOperationsSql(agencyCodeSql: string): string {
    return `ARRAY(SELECT o.id::text FROM operations o WHERE o.status <> 'CLOSED' AND o.participants @> ARRAY[${agencyCodeSql}]::text[] ORDER BY o.id)`;
  }

  async participantsAccepting(operationId: string, agencyCode: string): Promise<string[] | null> {
    if (!isUuid(operationId)) return null;
    return accepting(await this.dataSource.getRepository(OperationEntity).findOneBy({ id: operationId }), agencyCode);
  }

  async lockAccepting(manager: EntityManager, operationId: string, agencyCode: string): Promise<string[] | null> {
    if (!isUuid(operationId)) return null;
    return accepting(await manager.findOne(OperationEntity, { where: { id: operationId }, lock: { mode: 'pessimistic_read' } }), agencyCode);
  }
}

function accepting(operation: OperationEntity | null, agencyCode: string): string[] | null {
  return operation && operation.status !== 'CLOSED' && operation.participants.includes(agencyCode) ? operation.participants : null;
}

/** Global, so that the access feature can ask without depending on the operations feature. */
@Global()
@Module({ providers: [{ provide: OPEN_OPERATIONS, useClass: OperationMembershipService }], exports: [OPEN_OPERATIONS] })
export class OperationMembershipModule {}
