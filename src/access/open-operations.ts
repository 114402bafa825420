import type { EntityManager } from 'typeorm';

/**
 * The port through which access decisions learn which open operations an agency takes part in:
 * the `{{operations}}` attribute of the policy's operation-based rules (participants read a
 * report linked to their operation). The operations feature implements it
 * (src/operations/operation-membership.service.ts); access never reads the operations table itself.
 */
export interface OpenOperations {
  /** Ids of the operations that are not closed and name the agency as a participant. */
  openOperationsOf(agencyCode: string): Promise<string[]>;
  /**
   * The same as openOperationsOf, as an SQL expression (text[]) over an agency code expression, so
   * a statement that reads other rows (API-key authentication) reads these with them.
   */
  openOperationsSql(agencyCodeSql: string): string;
  /**
   * The operation's participants when it exists, is not closed and the agency takes part
   * in it (a report's operationId); null otherwise. A report's link consents to share with them.
   */
  participantsAccepting(operationId: string, agencyCode: string): Promise<string[] | null>;
  /**
   * participantsAccepting again inside the transaction that links a report, with the operation's
   * row locked (shared) until it commits: a close or a change of participants waits for the link,
   * or the link sees it.
   */
  lockAccepting(manager: EntityManager, operationId: string, agencyCode: string): Promise<string[] | null>;
}

export const OPEN_OPERATIONS = Symbol('OPEN_OPERATIONS');
