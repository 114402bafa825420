import { createMongoAbility, type MongoAbility, type RawRuleOf } from '@casl/ability';
import { credentialsIssuedByAnother, type Principal } from './principal.js';
import type { Action, PolicyDocument, PolicyRule, SubjectName } from './policy-document.js';

export type AppAbility = MongoAbility<[Action, SubjectName | object]>;

/** The attributes a policy condition can name as "{{attribute}}". */
export function principalAttributes(principal: Principal, operations: readonly string[]): Record<string, unknown> {
  return {
    userId: principal.userId,
    agency: principal.agencyCode,
    kind: principal.agencyKind,
    country: principal.country,
    region: principal.region,
    communities: principal.communities,
    roles: principal.roles,
    operations,
    // Not a placeholder: it decides which rules apply, so abilities shared by attributes differ by it.
    personal: !credentialsIssuedByAnother(principal),
    reportAudience: Boolean(principal.readsAsReportAudience),
  };
}

const NAMES_USER = /\{\{\s*userId\s*\}\}/;

/** A rule that grants by naming the user personally, which credentials someone else issued do not get (a rule that takes away still applies). */
function grantsToUserByName(rule: PolicyRule): boolean {
  return !rule.inverted && rule.conditions !== undefined && NAMES_USER.test(JSON.stringify(rule.conditions));
}

/** A rule that grants by release (a condition on `releasableTo`, at any depth), which a report's audience does not get. */
function grantsByRelease(rule: PolicyRule): boolean {
  return !rule.inverted && rule.conditions !== undefined && namesField(rule.conditions, 'releasableTo');
}

/** Whether a condition tree has a key for `field` or one of its paths ("releasableTo.0"), under $and/$or/$nor or not. */
function namesField(value: unknown, field: string): boolean {
  if (Array.isArray(value)) return value.some((item) => namesField(item, field));
  if (!value || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, item]) => key === field || key.startsWith(`${field}.`) || namesField(item, field));
}

const PLACEHOLDER = /^\{\{\s*([A-Za-z]+)\s*\}\}$/;

/** Replaces every "{{attribute}}" string with the caller's value (an array stays an array). */
function expand(value: unknown, attributes: Record<string, unknown>, where: string): unknown {
  if (typeof value === 'string') {
    const match = PLACEHOLDER.exec(value);
    if (!match) {
      if (value.includes('{{')) throw new Error(`${where}: a placeholder must be the whole value: ${value}`);
      return value;
    }
    if (!(match[1] in attributes)) throw new Error(`${where}: unknown attribute {{${match[1]}}}`);
    const attribute = attributes[match[1]];
    // Abilities outlive the request (AccessService shares them): never keep the caller's own array.
    return Array.isArray(attribute) ? Object.freeze([...attribute]) : attribute;
  }
  if (Array.isArray(value)) return value.map((item) => expand(item, attributes, where));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, expand(item, attributes, where)]));
  }
  return value;
}

function appliesTo(rule: PolicyRule, principal: Principal): boolean {
  if (rule.roles && !rule.roles.some((role) => principal.roles.includes(role))) return false;
  if (rule.agencyKinds && !rule.agencyKinds.includes(principal.agencyKind)) return false;
  if (rule.agencies && !rule.agencies.includes(principal.agencyCode)) return false;
  if (credentialsIssuedByAnother(principal) && grantsToUserByName(rule)) return false;
  if (principal.readsAsReportAudience && grantsByRelease(rule)) return false;
  return true;
}

/** The caller's CASL ability: the policy rules that apply to them, with their attributes filled in. */
export function buildAbility(policy: PolicyDocument, principal: Principal, operations: readonly string[] = []): AppAbility {
  const attributes = principalAttributes(principal, operations);
  const rules: RawRuleOf<AppAbility>[] = [];
  policy.rules.forEach((rule, index) => {
    if (!appliesTo(rule, principal)) return;
    const where = `policies.yaml rules.${index}`;
    rules.push({
      action: rule.action,
      subject: rule.subject,
      fields: typeof rule.fields === 'string' ? policy.fieldGroups[rule.fields] : rule.fields,
      conditions: rule.conditions ? (expand(rule.conditions, attributes, where) as Record<string, unknown>) : undefined,
      inverted: rule.inverted,
    } as RawRuleOf<AppAbility>);
  });
  return createMongoAbility<AppAbility>(rules);
}
