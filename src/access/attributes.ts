/**
 * The attribute value lists that access decisions are made on. They live here, in the kernel, so
 * that policies, principals and the entities that store these values all read one list and the
 * access layer never imports a feature.
 */

/** What a user may do: the policy document grants actions per role. */
export const ROLES = ['ELO', 'ANALYST', 'AGENCY_ADMIN', 'PLATFORM_ADMIN', 'AUDITOR', 'PARTNER', 'REVIEWER'] as const;
export type Role = (typeof ROLES)[number];

/** What kind of body an agency is: member administration, the JIO, a RILO, a partner, the secretariat. */
export const AGENCY_KINDS = ['MEMBER_ADMINISTRATION', 'JOINT_INTELLIGENCE_OFFICE', 'RILO', 'PARTNER', 'SECRETARIAT'] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];
