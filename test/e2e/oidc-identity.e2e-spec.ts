import { randomBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import fc from 'fast-check';
import { asciiLowerCase } from '../../src/auth/email-identity.js';
import { JsonLogger } from '../../src/observability/json-logger.js';
import { UsersService } from '../../src/users/users.service.js';
import { startLocalIssuer, type LocalIssuer, type TokenOptions } from '../support/oidc-issuer.js';
import { startTestPlatform, type GraphqlResponse, type TestPlatform } from '../support/test-platform.js';

/**
 * OIDC sign-in as a hostile user would try it, against a local issuer signing with its own keys:
 * binding only on a verified, exactly equal address; one binding per user; tokens that expire
 * within the maximum age; bindings that agency administrators can see and remove.
 */
const ME = '{ me { userId email authMethod } }';
const tag = () => randomBytes(4).toString('hex');
const now = () => Math.floor(Date.now() / 1000);

/** How the identity provider tells addresses apart: only ASCII case makes no difference. */
const idpKey = (address: string) => asciiLowerCase(address);

describe('OIDC identities', () => {
  let platform: TestPlatform;
  let issuer: LocalIssuer;

  beforeAll(async () => {
    issuer = await startLocalIssuer();
    platform = await startTestPlatform({ env: { OIDC_ISSUER: issuer.issuer, OIDC_AUDIENCE: issuer.audience, OIDC_MAX_TOKEN_AGE: '3600', OIDC_CLOCK_SKEW: '30' } });
  });
  afterAll(async () => {
    await platform?.stop();
    await issuer?.close();
  });

  async function user(email: string, agency = 'JM', roles = ['ANALYST']): Promise<{ id: string; email: string }> {
    const { user: created } = await platform.server.app.get(UsersService).createOrGet({ agencyCode: agency, email, roles });
    return { id: created.id, email: created.email };
  }

  async function signIn(options: TokenOptions): Promise<GraphqlResponse<{ me: { userId: string; email: string; authMethod: string } }>> {
    return platform.gql(await issuer.token(options), ME);
  }

  function expectRefused(response: GraphqlResponse): void {
    expect(response.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(response.data).toBeNull();
  }

  async function bindingOf(userId: string): Promise<string | null> {
    const [row] = await platform.server.runtime.dataSource.query('SELECT oidc_subject FROM users WHERE id = $1', [userId]);
    return row.oidc_subject;
  }

  describe('email_verified', () => {
    it.each([
      ['missing', {}],
      ['false', { email_verified: false }],
      ['the string "false"', { email_verified: 'false' }],
      ['the string "true"', { email_verified: 'true' }],
      ['the number 1', { email_verified: 1 }],
      ['null', { email_verified: null }],
    ])('binds nothing when it is %s', async (_name, verified) => {
      const target = await user(`victim-${tag()}@jm.test`);
      expectRefused(await signIn({ claims: { email: target.email, ...verified } }));
      expect(await bindingOf(target.id)).toBeNull();
    });

    it('binds on the boolean true, and audits the binding', async () => {
      const target = await user(`owner-${tag()}@jm.test`);
      const subject = `sub-${tag()}`;
      const spy = jest.spyOn(platform.server.app.get(JsonLogger), 'event');
      const response = await signIn({ subject, claims: { email: target.email, email_verified: true } });
      const logged = [...spy.mock.calls];
      spy.mockRestore();
      // The log line names the request that signed in, to be found beside the request's own line.
      const bound = logged.find(([, message]) => message === 'oidc identity bound');
      expect(bound?.[2]).toEqual({ userId: target.id, subject: `${issuer.issuer}|${subject}`, requestId: expect.stringMatching(/\S/) });
      expect(response.errors).toBeUndefined();
      expect(response.data!.me).toEqual({ userId: target.id, email: target.email, authMethod: 'oidc' });
      expect(await bindingOf(target.id)).toBe(`${issuer.issuer}|${subject}`);
      const events = await platform.server.runtime.dataSource.query(
        "SELECT actor, action, resource_agency, details FROM audit_events WHERE resource_id = $1 AND action = 'user.oidc.bind'", [target.id],
      );
      expect(events).toEqual([{ actor: target.id, action: 'user.oidc.bind', resource_agency: 'JM', details: { subject: `${issuer.issuer}|${subject}` } }]);
    });
  });

  describe('address matching', () => {
    it.each([
      ['the Kelvin sign for k', (local: string) => `${local}@\u212Ay.test`, (local: string) => `${local}@ky.test`],
      ['the long s for s', (local: string) => `${local}\u017F@jm.test`, (local: string) => `${local}s@jm.test`],
      ['the dotted capital I for i', (local: string) => `${local}\u0130@jm.test`, (local: string) => `${local}i@jm.test`],
      ['the dotless i for i', (local: string) => `${local}\u0131@jm.test`, (local: string) => `${local}i@jm.test`],
      ['the sharp s for ss', (local: string) => `${local}\u00DF@jm.test`, (local: string) => `${local}ss@jm.test`],
      ['the ligature fi for fi', (local: string) => `${local}\uFB01@jm.test`, (local: string) => `${local}fi@jm.test`],
      ['a capital É for é', (local: string) => `${local}\u00C9@jm.test`, (local: string) => `${local}\u00E9@jm.test`],
      ['the Angstrom sign for å', (local: string) => `${local}\u212B@jm.test`, (local: string) => `${local}\u00E5@jm.test`],
    ])('refuses %s and binds nothing', async (_name, tokenAddress, userAddress) => {
      const local = `elo${tag()}`;
      const target = await user(userAddress(local), 'KY', ['ELO']);
      expectRefused(await signIn({ claims: { email: tokenAddress(local), email_verified: true } }));
      expect(await bindingOf(target.id)).toBeNull();
      // The owner of the real address still signs in.
      const owner = await signIn({ claims: { email: target.email, email_verified: true } });
      expect(owner.data?.me.userId).toBe(target.id);
    });

    it('matches NFC addresses regardless of ASCII case, and refuses an address NFC would change', async () => {
      const local = `n${tag()}`;
      const target = await user(`${local}\u00E5@jm.test`);
      expectRefused(await signIn({ claims: { email: `${local}a\u030A@jm.test`, email_verified: true } }));
      expect(await bindingOf(target.id)).toBeNull();
      const response = await signIn({ claims: { email: `${local.toUpperCase()}\u00E5@JM.TEST`, email_verified: true } });
      expect(response.data?.me.userId).toBe(target.id);
    });

    it('never binds a second identity onto a bound user, an API-key account included', async () => {
      const analyst = await platform.userWithKey('JIO', ['ANALYST'], `jio-analyst-${tag()}@jio.test`);
      const first = `sub-${tag()}`;
      expect((await signIn({ subject: first, claims: { email: analyst.email, email_verified: true } })).data?.me.userId).toBe(analyst.userId);
      expectRefused(await signIn({ subject: `sub-${tag()}`, claims: { email: analyst.email, email_verified: true } }));
      expectRefused(await signIn({ subject: `sub-${tag()}`, claims: { email: analyst.email.toUpperCase(), email_verified: true } }));
      expect(await bindingOf(analyst.userId)).toBe(`${issuer.issuer}|${first}`);
      // The API key keeps working alongside.
      expect((await platform.gql<{ me: { authMethod: string } }>(analyst.key, ME)).data?.me.authMethod).toBe('api-key');
    });

    it('property: two addresses the identity provider tells apart never reach one Windward user', async () => {
      // Letters that case mapping treats specially, mixed with plain ones.
      const letters = ['a', 'k', 's', 'i', 'e', 'K', 'S', 'I', '\u212A', '\u017F', '\u0130', '\u0131', '\u00E9', '\u00C9', '\u00DF', '\uFB01', '\u00E5', '\u212B', 'a\u030A', '\u03C3', '\u03C2', '\u03A3'];
      const local = fc.array(fc.constantFrom(...letters), { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));
      await fc.assert(
        fc.asyncProperty(local, local, async (ownerLocal, otherLocal) => {
          const suffix = tag();
          const ownerAddress = `${ownerLocal}${suffix}@jm.test`;
          const otherAddress = `${otherLocal}${suffix}@jm.test`;
          fc.pre(idpKey(ownerAddress) !== idpKey(otherAddress));
          let target: { id: string } | null = null;
          try {
            target = await user(ownerAddress);
          } catch {
            // An address case mapping changes cannot be a user's at all.
          }
          const other = await signIn({ claims: { email: otherAddress, email_verified: true } });
          if (target) expect(other.data?.me.userId).not.toBe(target.id);
          if (target) {
            const owner = await signIn({ claims: { email: ownerAddress, email_verified: true } });
            expect(owner.data?.me.userId).toBe(target.id);
          }
        }),
        { numRuns: 25 },
      );
    }, 120_000);
  });

  describe('token lifetime', () => {
    let target: { id: string; email: string };
    beforeAll(async () => {
      target = await user(`lifetime-${tag()}@jm.test`);
    });
    const claims = () => ({ email: target.email, email_verified: true });

    it('refuses a token without exp, when issued and when replayed', async () => {
      const jwt = await issuer.token({ claims: claims(), expiresAt: null });
      expectRefused(await platform.gql(jwt, ME));
      expectRefused(await platform.gql(jwt, ME));
    });

    it('refuses a lifetime over the maximum age, even while it is young', async () => {
      expectRefused(await signIn({ claims: claims(), issuedAt: now(), expiresAt: now() + 2 * 3600 }));
    });

    it('refuses a token issued longer ago than the maximum age', async () => {
      expectRefused(await signIn({ claims: claims(), issuedAt: now() - 3700, expiresAt: now() + 60 }));
    });

    it('refuses a token issued in the future beyond the clock skew', async () => {
      expectRefused(await signIn({ claims: claims(), issuedAt: now() + 600, expiresAt: now() + 1200 }));
    });

    it('refuses a long lifetime without iat, counted from now', async () => {
      expectRefused(await signIn({ claims: claims(), issuedAt: null, expiresAt: now() + 2 * 3600 }));
    });

    it('accepts a lifetime of exactly the maximum, and tolerates the clock skew', async () => {
      const subject = `sub-${tag()}`;
      const ok = await signIn({ subject, claims: claims(), issuedAt: now() + 20, expiresAt: now() + 20 + 3600 });
      expect(ok.errors).toBeUndefined();
      expect(ok.data!.me.userId).toBe(target.id);
      // Expired 10 s ago: within the 30 s skew.
      expect((await signIn({ subject, issuedAt: now() - 600, expiresAt: now() - 10 })).data?.me.userId).toBe(target.id);
      expectRefused(await signIn({ subject, issuedAt: now() - 600, expiresAt: now() - 60 }));
    });
  });

  describe('bindings for administrators', () => {
    const BINDINGS = '{ oidcBindings { userId email agencyCode subject boundAt } }';
    const REMOVE = 'mutation($userId: ID!) { removeOidcBinding(userId: $userId) { userId subject } }';

    it('shows an agency administrator the bindings of their agency only, and lets them remove one', async () => {
      const jmAdmin = await platform.userWithKey('JM', ['AGENCY_ADMIN']);
      const kyAdmin = await platform.userWithKey('KY', ['AGENCY_ADMIN']);
      const elo = await platform.userWithKey('JM', ['ELO']);
      const subject = `sub-${tag()}`;
      expect((await signIn({ subject, claims: { email: elo.email, email_verified: true } })).data?.me.userId).toBe(elo.userId);

      const listed = await platform.gql<{ oidcBindings: { userId: string; subject: string; agencyCode: string; boundAt: string }[] }>(jmAdmin.key, BINDINGS);
      expect(listed.errors).toBeUndefined();
      const row = listed.data!.oidcBindings.find((b) => b.userId === elo.userId);
      expect(row).toMatchObject({ subject: `${issuer.issuer}|${subject}`, agencyCode: 'JM' });
      expect(Date.parse(row!.boundAt)).toBeGreaterThan(Date.now() - 60_000);
      expect(listed.data!.oidcBindings.every((b) => b.agencyCode === 'JM')).toBe(true);

      const other = await platform.gql<{ oidcBindings: { userId: string }[] }>(kyAdmin.key, BINDINGS);
      expect(other.data!.oidcBindings.some((b) => b.userId === elo.userId)).toBe(false);
      expect((await platform.gql(kyAdmin.key, REMOVE, { userId: elo.userId })).errors?.[0].extensions.code).toBe('NOT_FOUND');
      expect((await platform.gql(elo.key, BINDINGS)).errors?.[0].extensions.code).toBe('FORBIDDEN');

      const removed = await platform.gql<{ removeOidcBinding: { userId: string; subject: string } }>(jmAdmin.key, REMOVE, { userId: elo.userId });
      expect(removed.errors).toBeUndefined();
      expect(removed.data!.removeOidcBinding).toEqual({ userId: elo.userId, subject: `${issuer.issuer}|${subject}` });
      expect(await bindingOf(elo.userId)).toBeNull();
      // The subject alone no longer signs in.
      expectRefused(await signIn({ subject }));
      const audit = await platform.server.runtime.dataSource.query(
        "SELECT actor, details FROM audit_events WHERE resource_id = $1 AND action = 'user.oidc.unbind'", [elo.userId],
      );
      expect(audit).toEqual([{ actor: jmAdmin.userId, details: expect.objectContaining({ subject: `${issuer.issuer}|${subject}` }) }]);
    });
  });
});
