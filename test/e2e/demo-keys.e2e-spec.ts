import { DEMO_USERS, demoKeysAlreadyShown, markDemoKeysShown, seedDemoUsers } from '../../src/demo/demo-users.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

/** A first `serve --demo` killed after it made the demo users but before their keys were shown. */
describe('demo API keys after an interrupted first start', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 120_000);
  afterAll(() => platform?.stop());

  const me = async (key: string) => (await platform.gql<{ me: { email: string } }>(key, '{ me { email } }')).data?.me?.email ?? null;

  it('issues new keys for demo users that have none that was shown, revokes the unshown ones, and then never again', async () => {
    const interrupted = await seedDemoUsers(platform.server.app); // made, never printed: the process died here
    expect(interrupted.map((c) => c.email)).toEqual(DEMO_USERS.map((u) => u.email));

    const next = await seedDemoUsers(platform.server.app);
    expect(next.map((c) => c.email)).toEqual(DEMO_USERS.map((u) => u.email));
    expect(next.map((c) => c.apiKey)).not.toContain(interrupted[0].apiKey);
    expect(await me(next[0].apiKey)).toBe(DEMO_USERS[0].email);
    expect(await me(interrupted[0].apiKey)).toBeNull(); // never shown to anyone, and now revoked
    await markDemoKeysShown(platform.server.app, next);

    expect(await seedDemoUsers(platform.server.app)).toEqual([]);
    expect(await me(next[0].apiKey)).toBe(DEMO_USERS[0].email); // shown keys are left alone
    expect(demoKeysAlreadyShown()).toMatch(/windward apikey create --user /);
  }, 120_000);
});
