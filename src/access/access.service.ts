import { Inject, Injectable, Optional } from '@nestjs/common';
import { subject as asSubject } from '@casl/ability';
import { OPEN_OPERATIONS, type OpenOperations } from './open-operations.js';
import type { Principal } from './principal.js';
import { buildAbility, principalAttributes, type AppAbility } from './ability.factory.js';
import { POLICY_DOCUMENT, type Action, type PolicyDocument, type SubjectName } from './policy-document.js';
import { groupMatchesOf, ruleGroupsOf } from './rule-groups.js';


/** Distinct callers whose ability is kept (most recently used first out last). */
const ABILITIES_KEPT = 500;

/**
 * Builds each caller's ability from config/policies.yaml (read and checked at boot, injected) and answers the
 * per-record questions: may they act on it, and which of its fields may they see.
 */
@Injectable()
export class AccessService {
  constructor(
    @Inject(POLICY_DOCUMENT) readonly policy: PolicyDocument,
    /** Absent only where no operations feature is assembled: then no operation-based rule grants anything. */
    @Optional() @Inject(OPEN_OPERATIONS) readonly operations?: OpenOperations,
  ) {}

  /** The open operations an agency takes part in (the `{{operations}}` attribute), through the operations feature's port. */
  async openOperationsOf(agencyCode: string): Promise<readonly string[]> {
    return this.operations ? this.operations.openOperationsOf(agencyCode) : [];
  }

  /**
   * The caller's ability. It depends only on the policy and the attributes the caller has now
   * (read from the database on every request), so one object serves every request that brings the
   * same attributes: a changed role, agency, community or operation is a different key at once,
   * and nothing outlives a revoked key. Sharing it also shares what is derived from it (the SQL of
   * its rules, the permitted field sets), built once instead of on every request. Abilities are
   * never changed after they are built.
   */
  async abilityFor(principal: Principal): Promise<AppAbility> {
    // Read with the credentials when authentication could (API keys: the port's SQL in the same statement).
    const operations = principal.openOperations ?? (await this.openOperationsOf(principal.agencyCode));
    const key = JSON.stringify(principalAttributes(principal, operations));
    let ability = this.abilities.get(key);
    if (ability) {
      this.abilities.delete(key); // most recently used last
    } else {
      ability = buildAbility(this.policy, principal, operations);
      if (this.abilities.size >= ABILITIES_KEPT) this.abilities.delete(this.abilities.keys().next().value!);
    }
    this.abilities.set(key, ability);
    return ability;
  }

  private readonly abilities = new Map<string, AppAbility>();

  can(ability: AppAbility, action: Action, subjectName: SubjectName, record: object): boolean {
    return ability.can(action, asSubject(subjectName, { ...record }));
  }

  /**
   * The field paths of `record` the caller may read; rules without `fields` grant `allFields`.
   * Computed as CASL's permittedFieldsOf does (rules from lowest to highest priority, inverted ones
   * taking fields away), but the answer depends only on which groups of the caller's rules match
   * (rule-groups.ts), and a page of reports matches a handful of combinations: each combination's
   * set is built once per ability and shared. Callers must not change the returned set.
   */
  permittedFields(ability: AppAbility, subjectName: SubjectName, record: object, allFields: readonly string[]): ReadonlySet<string> {
    for (const field of this.conditionFieldsOf(subjectName)) {
      // A record read without a column the rules look at would be judged on `undefined`.
      if ((record as Record<string, unknown>)[field] === undefined) throw new Error(`${subjectName}.${field} was not read: its fields cannot be decided`);
    }
    const matches = groupMatchesOf(ruleGroupsOf(ability, 'read', subjectName), record);
    return this.fieldsForMatches(ability, subjectName, matches, allFields);
  }

  /**
   * permittedFields for a record whose rule group matches were worked out elsewhere: one '1' or '0'
   * per group of `ruleGroupsOf(ability, 'read', subjectName)` (ruleGroupMatchesInto, computed in SQL).
   */
  fieldsForMatches(ability: AppAbility, subjectName: SubjectName, matches: string, allFields: readonly string[]): ReadonlySet<string> {
    let byFields = this.fieldSets.get(ability);
    if (!byFields) this.fieldSets.set(ability, (byFields = new WeakMap()));
    let sets = byFields.get(allFields);
    if (!sets) byFields.set(allFields, (sets = new Map()));
    const key = `${subjectName}:${matches}`;
    let fields = sets.get(key);
    if (!fields) {
      // Checked once per combination: a cached key has passed.
      const groups = ruleGroupsOf(ability, 'read', subjectName);
      if (typeof matches !== 'string' || matches.length !== groups.length || !/^[01]*$/.test(matches)) {
        throw new Error(`Rule matches "${matches}" do not fit the ${groups.length} read rule groups on ${subjectName}`);
      }
      const built = new Set<string>();
      for (let i = groups.length - 1; i >= 0; i -= 1) {
        if (matches[i] !== '1') continue;
        const group = groups[i];
        for (const field of group.fields ?? allFields) {
          if (group.inverted) built.delete(field);
          else built.add(field);
        }
      }
      fields = built;
      sets.set(key, fields);
    }
    return fields;
  }

  /** The record fields the policy's conditions on `subjectName` read (top-level names). */
  conditionFieldsOf(subjectName: SubjectName): readonly string[] {
    let fields = this.conditionFields.get(subjectName);
    if (!fields) {
      const named = new Set<string>();
      for (const rule of this.policy.rules) if (rule.subject === subjectName) collectConditionFields(rule.conditions, named);
      this.conditionFields.set(subjectName, (fields = [...named]));
    }
    return fields;
  }

  private readonly conditionFields = new Map<SubjectName, readonly string[]>();

  /** Per ability (shared by callers with the same attributes), per field list: the permitted set of each rule combination. */
  private readonly fieldSets = new WeakMap<AppAbility, WeakMap<readonly string[], Map<string, ReadonlySet<string>>>>();
}

/** Field names of a Mongo-style condition object (operators such as $or are walked into). */
function collectConditionFields(conditions: unknown, into: Set<string>): void {
  if (Array.isArray(conditions)) {
    for (const item of conditions) collectConditionFields(item, into);
    return;
  }
  if (!conditions || typeof conditions !== 'object') return;
  for (const [key, value] of Object.entries(conditions)) {
    if (key.startsWith('$')) collectConditionFields(value, into);
    else into.add(key.split('.')[0]);
  }
}
