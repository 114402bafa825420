import type { AgencyKind, Role } from './attributes.js';

/**
 * How the principal came to act: with a request's credentials ('api-key', 'oidc'), or 'system'
 * for work the service does for a user without a request of theirs (a job, an alert owner, demo
 * seeding; the context's requestId names what for) and for the hypothetical readers a report is
 * compiled for. It labels, never decides: abilities are built from the attributes below only, and
 * policies.yaml has no condition on it.
 */
export type AuthMethod = 'api-key' | 'oidc' | 'system';

/** Who is calling: the attributes that access decisions are made on. */
export interface Principal {
  userId: string;
  email: string;
  agencyCode: string;
  agencyKind: AgencyKind;
  country: string | null;
  region: string | null;
  communities: string[];
  roles: Role[];
  authMethod: AuthMethod;
  /**
   * A hypothetical reader an operation report is compiled for (report-audience.ts): the policy's
   * rules that grant by release (`releasableTo`) do not apply. Whom a report is released to is
   * nominal, which the compiling analyst and the other audience agencies may not read, so what a
   * report holds must not depend on it.
   */
  readsAsReportAudience?: boolean;
  /**
   * Set when the credentials were issued to this user by someone else (an agency administrator's
   * key for them): that person's user id. They may hold the credentials too, so the policy's rules
   * that name the user personally (TLP:RED's named recipients and author) do not apply
   * (credentialsIssuedByAnother).
   */
  credentialsIssuedBy?: string;
  /** When the presented credentials stop being accepted (an OIDC token's exp, an API key's expiry); a live connection closes then. */
  credentialsExpireAt?: Date;
  /**
   * The open operations the agency takes part in, when authentication read them with the
   * credentials (API keys: same statement); otherwise AccessService.abilityFor reads them.
   */
  openOperations?: readonly string[];
}

/** The credentials were issued to the user by someone else, who may hold them too (Principal.credentialsIssuedBy). */
export function credentialsIssuedByAnother(principal: Pick<Principal, 'credentialsIssuedBy'>): boolean {
  return principal.credentialsIssuedBy !== undefined;
}
