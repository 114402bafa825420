import { randomUUID } from 'node:crypto';
import { AlertEntity } from '../../src/alerts/alert.entity.js';
import { WebhookSecrets } from '../../src/alerts/webhook-secrets.js';
import { SecretBoxError } from '../../src/crypto/secret-box.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('webhook secrets at rest', () => {
  let platform: TestApp;
  let secrets: WebhookSecrets;

  beforeAll(async () => {
    platform = await startTestApp();
    secrets = platform.server.app.get(WebhookSecrets);
  });
  afterAll(() => platform.stop());

  it('stores a new secret sealed to its alert, and opens it to what its owner was shown', async () => {
    const alertId = randomUUID();
    const { secret, stored } = await secrets.create(alertId);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(stored).toMatch(/^sb1:/);
    expect(stored).not.toContain(secret);
    await expect(secrets.open(alertId, stored)).resolves.toBe(secret);
    await expect(secrets.open(randomUUID(), stored)).rejects.toThrow(SecretBoxError); // moved to another alert
  });

  it('seals a secret an earlier version stored in plaintext, which still signs in the meantime', async () => {
    const owner = await platform.userWithKey('KY', ['ELO']);
    const alerts = platform.server.runtime.dataSource.getRepository(AlertEntity);
    const plaintext = 'an-earlier-versions-secret-0123456789abcdef';
    const legacy = await alerts.save(alerts.create({ userId: owner.userId, agencyCode: 'KY', name: 'legacy', filter: {}, webhookUrl: 'https://partner.example/hook', webhookSecret: plaintext }));
    const none = await alerts.save(alerts.create({ userId: owner.userId, agencyCode: 'KY', name: 'no webhook', filter: {}, webhookUrl: null, webhookSecret: null }));
    await expect(secrets.open(legacy.id, plaintext)).resolves.toBe(plaintext);

    expect(await secrets.sealPlaintext()).toBe(1);
    const stored = (await alerts.findOneByOrFail({ id: legacy.id })).webhookSecret!;
    expect(stored).toMatch(/^sb1:/);
    await expect(secrets.open(legacy.id, stored)).resolves.toBe(plaintext);
    expect((await alerts.findOneByOrFail({ id: none.id })).webhookSecret).toBeNull();
    expect(await secrets.sealPlaintext()).toBe(0); // sealed once: the next start finds nothing to do
  });
});
