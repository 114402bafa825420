import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditAnchorLog } from './audit-anchor-log.js';
import { AuditEventEntity } from './audit-event.entity.js';
import { AuditResolver } from './audit.resolver.js';
import { AuditService } from './audit.service.js';

/** Global: every feature that changes or discloses a record appends to the trail. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity])],
  providers: [AuditService, AuditResolver, AuditAnchorLog],
  exports: [AuditService],
})
export class AuditModule {}
