import { Inject, Injectable, Optional } from '@nestjs/common';
import { permittedFieldsOf } from '@casl/ability/extra';
import { subject as asSubject } from '@casl/ability';
import { configDir } from '../config/app-config.js';
import type { Principal } from '../auth/principal.js';
import { buildAbility, type AppAbility } from './ability.factory.js';
import { readPolicyDocument, type Action, type PolicyDocument, type SubjectName } from './policy-document.js';

/** Where the ids of the open operations an agency takes part in come from (the operations feature). */
export interface OperationMembership {
  openOperationsOf(agencyCode: string): Promise<string[]>;
  /** True when the operation exists, is not closed and the agency takes part in it. */
  acceptsReportsFrom(operationId: string, agencyCode: string): Promise<boolean>;
}
export const OPERATION_MEMBERSHIP = Symbol('OPERATION_MEMBERSHIP');

/**
 * Builds each caller's ability from config/policies.yaml (read once, at start) and answers the
 * per-record questions: may they act on it, and which of its fields may they see.
 */
@Injectable()
export class AccessService {
  readonly policy: PolicyDocument = readPolicyDocument(configDir());

  constructor(@Optional() @Inject(OPERATION_MEMBERSHIP) readonly operations?: OperationMembership) {}

  async abilityFor(principal: Principal): Promise<AppAbility> {
    const operations = this.operations ? await this.operations.openOperationsOf(principal.agencyCode) : [];
    return buildAbility(this.policy, principal, operations);
  }

  can(ability: AppAbility, action: Action, subjectName: SubjectName, record: object): boolean {
    return ability.can(action, asSubject(subjectName, { ...record }));
  }

  /** The field paths of `record` the caller may read; rules without `fields` grant `allFields`. */
  permittedFields(ability: AppAbility, subjectName: SubjectName, record: object, allFields: readonly string[]): Set<string> {
    return new Set(
      permittedFieldsOf(ability, 'read', asSubject(subjectName, { ...record }), {
        fieldsFrom: (rule) => rule.fields ?? [...allFields],
      }),
    );
  }
}
