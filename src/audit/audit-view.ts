import type { RequestContext } from '../access/request-context.js';

/**
 * Which chain a reader of the audit trail is shown. The platform's counts every agency's events, so
 * its positions and links are shown only to who reads the whole trail (auditors of the JIO and the
 * WCO Secretariat); an agency's administrators and auditors are shown their agency's own chain,
 * which links only the events on its records, or two of their events would tell them how many
 * events of other agencies happened in between.
 */
export type AuditChainView = { kind: 'platform' } | { kind: 'agency'; agency: string };

export function auditChainViewOf(ctx: RequestContext): AuditChainView {
  const readsWholeTrail = ctx.ability.rulesFor('read', 'AuditEvent').some((rule) => !rule.inverted && !rule.conditions);
  return readsWholeTrail ? { kind: 'platform' } : { kind: 'agency', agency: ctx.principal.agencyCode };
}
