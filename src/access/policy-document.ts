import { z } from 'zod';
import { AGENCY_KINDS, ROLES } from './attributes.js';

export const ACTIONS = ['read', 'create', 'update', 'release', 'retract', 'verify', 'link', 'compile', 'publish', 'review', 'record-outcome', 'stop'] as const;
export type Action = (typeof ACTIONS)[number];
export const SUBJECTS = ['Seizure', 'AuditEvent', 'AuditChain', 'Operation', 'OperationReport', 'SeizureLinkRequest', 'Alert'] as const;
export type SubjectName = (typeof SUBJECTS)[number];

const conditionsSchema = z.record(z.string(), z.unknown());

const ruleSchema = z.object({
  description: z.string().optional(),
  action: z.union([z.enum(ACTIONS), z.array(z.enum(ACTIONS)).min(1)]),
  subject: z.enum(SUBJECTS),
  fields: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
  conditions: conditionsSchema.optional(),
  roles: z.array(z.enum(ROLES)).min(1).optional(),
  agencyKinds: z.array(z.enum(AGENCY_KINDS)).min(1).optional(),
  agencies: z.array(z.string()).min(1).optional(),
  inverted: z.boolean().optional(),
});

const documentSchema = z.object({
  fieldGroups: z.record(z.string(), z.array(z.string()).min(1)).default({}),
  rules: z.array(ruleSchema).min(1),
});

export type PolicyRule = z.infer<typeof ruleSchema>;
export type PolicyDocument = z.infer<typeof documentSchema>;

/** Where the validated policies.yaml is injected (built at boot by loadConfig, src/config/config-files.ts). */
export const POLICY_DOCUMENT = Symbol('POLICY_DOCUMENT');

/**
 * Checks a parsed policies.yaml; a mistake throws an Error naming `file` and the rule it is in.
 * Reading the file is the configuration step's job: access decisions never touch the disk.
 */
export function parsePolicyDocument(document: unknown, file: string): PolicyDocument {
  const parsed = documentSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue.path.join('.')} ${issue.message}`);
  }
  for (const [index, rule] of parsed.data.rules.entries()) {
    if (typeof rule.fields === 'string' && !parsed.data.fieldGroups[rule.fields]) {
      throw new Error(`${file}: rules.${index}.fields names an unknown field group "${rule.fields}"`);
    }
  }
  return parsed.data;
}
