import type { AgencyKind, Role } from './attributes.js';

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
  authMethod: 'api-key' | 'oidc';
  /** When the presented credentials stop being accepted (an OIDC token's exp); a live connection closes then. */
  credentialsExpireAt?: Date;
  /**
   * The open operations the agency takes part in, when authentication read them with the
   * credentials (API keys: same statement); otherwise AccessService.abilityFor reads them.
   */
  openOperations?: readonly string[];
}
