import type { AppAbility } from './ability.factory.js';
import type { Action, SubjectName } from './policy-document.js';

type Rule = ReturnType<AppAbility['possibleRulesFor']>[number];

/**
 * Rules that decide a record's fields alike, taken together. The fields a caller may read of a
 * record are worked out from the rules it matches, lowest priority first, each adding its fields
 * (or taking them away, when inverted). Next to each other, rules of the same kind commute: two
 * that add (or two that take away) give the same set in either order, and two of them naming the
 * same fields give the same set whether one or both match. So the answer depends only on which of
 * these groups have a matching rule: a group is a set of such rules, in a run of rules of one kind.
 *
 * The reader's ELO policy has seven read rules on Seizure and two groups (the facts, or the whole
 * report): a search page asks PostgreSQL for two '1'/'0' per row instead of seven.
 */
export interface RuleGroup {
  /** The group's rules (possibleRulesFor order: highest priority first). */
  readonly rules: readonly Rule[];
  readonly inverted: boolean;
  /** The fields every rule of the group names; undefined: all of them. */
  readonly fields: readonly string[] | undefined;
}

const groupsByAbility = new WeakMap<AppAbility, Map<string, readonly RuleGroup[]>>();

/** The caller's `action` rules on `subject` in groups, highest priority first; shared per ability. */
export function ruleGroupsOf(ability: AppAbility, action: Action, subject: SubjectName): readonly RuleGroup[] {
  let bySubject = groupsByAbility.get(ability);
  if (!bySubject) groupsByAbility.set(ability, (bySubject = new Map()));
  const key = `${action}:${subject}`;
  let groups = bySubject.get(key);
  if (!groups) bySubject.set(key, (groups = groupRules(ability.possibleRulesFor(action, subject))));
  return groups;
}

function groupRules(rules: readonly Rule[]): readonly RuleGroup[] {
  const groups: { rules: Rule[]; inverted: boolean; fields: readonly string[] | undefined }[] = [];
  let run = new Map<string, (typeof groups)[number]>();
  let runInverted: boolean | null = null;
  for (const rule of rules) {
    const inverted = Boolean(rule.inverted);
    if (inverted !== runInverted) {
      run = new Map();
      runInverted = inverted;
    }
    const fields = rule.fields === undefined ? undefined : [...new Set(rule.fields)].sort();
    const key = fields === undefined ? '*' : JSON.stringify(fields);
    const group = run.get(key);
    if (group) {
      group.rules.push(rule);
    } else {
      const created = { rules: [rule], inverted, fields };
      run.set(key, created);
      groups.push(created);
    }
  }
  return groups;
}

/** Which groups a record matches, '1' or '0' each, as ruleGroupMatchesInto computes it in SQL. */
export function groupMatchesOf(groups: readonly RuleGroup[], record: object): string {
  let matches = '';
  for (const group of groups) matches += group.rules.some((rule) => rule.matchesConditions(record)) ? '1' : '0';
  return matches;
}
