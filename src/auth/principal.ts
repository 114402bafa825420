import type { AgencyKind } from '../agencies/agency.entity.js';
import type { Role } from '../users/user.entity.js';

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
  /**
   * The open operations the agency takes part in, when authentication read them with the
   * credentials (API keys: same statement); otherwise AccessService.abilityFor reads them.
   */
  openOperations?: readonly string[];
}
