import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFiles } from '../config/config-files.js';
import type { PolicyDocument } from './policy-document.js';
import type { Principal } from './principal.js';
import { AccessService } from './access.service.js';

/** The policy the service ships with (config/policies.yaml), as the configuration step loads it. */
const { policies } = loadConfigFiles(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../config'));

describe('AccessService.abilityFor', () => {
  const principal = (over: Partial<Principal> = {}): Principal => ({
    userId: '11111111-1111-4111-8111-111111111111', email: 'elo@jm.test', agencyCode: 'JM', agencyKind: 'MEMBER_ADMINISTRATION',
    country: 'JM', region: 'Caribbean', communities: ['CCLEC'], roles: ['ELO'], authMethod: 'api-key', openOperations: [], ...over,
  });
  const report = { tlp: 'AMBER', reportingAgency: 'KY', releasableTo: [], ownerCommunities: ['CCLEC'], releasableToUsers: [], createdBy: null, operationId: 'op-1', operationAudience: ['JM', 'KY'], status: 'SUBMITTED' };

  it('shares one ability between requests with the same attributes', async () => {
    const access = new AccessService(policies);
    expect(await access.abilityFor(principal())).toBe(await access.abilityFor({ ...principal(), email: 'other-address@jm.test' }));
  });

  it('builds another as soon as any attribute differs, so a change takes effect on the next request', async () => {
    const access = new AccessService(policies);
    const before = await access.abilityFor(principal());
    expect(access.can(before, 'read', 'Seizure', report)).toBe(false);
    const joined = await access.abilityFor(principal({ openOperations: ['op-1'] }));
    expect(joined).not.toBe(before);
    expect(access.can(joined, 'read', 'Seizure', report)).toBe(true); // an operation participant
    expect(access.can(joined, 'read', 'Seizure', { ...report, operationAudience: ['KY'] })).toBe(false); // linked before JM joined
    expect(access.can(await access.abilityFor(principal()), 'read', 'Seizure', report)).toBe(false); // left it again
    for (const changed of [{ roles: ['ANALYST' as const] }, { agencyCode: 'KY' }, { communities: [] }, { userId: '22222222-2222-4222-8222-222222222222' }]) {
      expect(await access.abilityFor(principal(changed))).not.toBe(before);
    }
    expect(access.can(await access.abilityFor(principal({ agencyCode: 'KY' })), 'update', 'Seizure', report)).toBe(true);
  });

  it('never decides on the authentication method: API key, OIDC and work done for the user share one ability', async () => {
    const access = new AccessService(policies);
    const byKey = await access.abilityFor(principal());
    expect(await access.abilityFor(principal({ authMethod: 'oidc' }))).toBe(byKey);
    expect(await access.abilityFor(principal({ authMethod: 'system' }))).toBe(byKey);
    expect(policies.rules.some((rule) => JSON.stringify(rule).includes('authMethod'))).toBe(false);
  });

  it('gives credentials someone else issued none of the rules that name the user, and keeps their ability apart', async () => {
    const access = new AccessService(policies);
    const named = { ...report, tlp: 'RED', releasableToUsers: [principal().userId] };
    const authored = { ...report, tlp: 'RED', reportingAgency: 'JM', createdBy: principal().userId };
    const own = await access.abilityFor(principal());
    expect(access.can(own, 'read', 'Seizure', named)).toBe(true);
    expect(access.can(own, 'read', 'Seizure', authored)).toBe(true);
    const issued = await access.abilityFor(principal({ credentialsIssuedBy: '33333333-3333-4333-8333-333333333333' }));
    expect(issued).not.toBe(own);
    expect(access.can(issued, 'read', 'Seizure', named)).toBe(false);
    expect(access.can(issued, 'read', 'Seizure', authored)).toBe(false);
    // Everything granted by agency, community or operation stays.
    expect(access.can(issued, 'read', 'Seizure', { ...report, tlp: 'GREEN' })).toBe(true);
    expect(access.can(issued, 'update', 'Seizure', { ...report, reportingAgency: 'JM' })).toBe(true);
    expect(await access.abilityFor(principal())).toBe(own);
  });

  it("gives a report's audience none of the rules that grant by release, however they are written; rules that take away stay", async () => {
    const policy = {
      fieldGroups: {},
      rules: [
        { action: 'read', subject: 'Seizure', conditions: { releasableTo: '{{agency}}' } },
        { action: 'read', subject: 'Seizure', conditions: { $or: [{ 'releasableTo.0': '{{agency}}' }, { tlp: 'RED', releasableToUsers: '{{userId}}' }] } },
        { action: 'read', subject: 'Seizure', conditions: { tlp: 'CLEAR' } },
        { action: 'read', subject: 'Seizure', inverted: true, conditions: { releasableTo: 'ZZ' } },
      ],
    } as unknown as PolicyDocument;
    const access = new AccessService(policy);
    const reader = await access.abilityFor(principal());
    const audience = await access.abilityFor(principal({ readsAsReportAudience: true }));
    expect(audience).not.toBe(reader);
    const released = { ...report, tlp: 'AMBER', releasableTo: ['JM'] };
    expect([reader, audience].map((ability) => access.can(ability, 'read', 'Seizure', released))).toEqual([true, false]);
    const clear = { ...report, tlp: 'CLEAR' };
    expect([reader, audience].map((ability) => access.can(ability, 'read', 'Seizure', clear))).toEqual([true, true]);
    const takenAway = { ...report, tlp: 'CLEAR', releasableTo: ['ZZ'] };
    expect([reader, audience].map((ability) => access.can(ability, 'read', 'Seizure', takenAway))).toEqual([false, false]);
  });

  it('keeps a bounded number of them', async () => {
    const access = new AccessService(policies);
    const first = await access.abilityFor(principal());
    for (let i = 0; i < 500; i += 1) await access.abilityFor(principal({ email: `u${i}@jm.test`, userId: `11111111-1111-4111-8111-${String(i).padStart(12, '0')}` }));
    expect(await access.abilityFor(principal())).not.toBe(first);
  });
});
