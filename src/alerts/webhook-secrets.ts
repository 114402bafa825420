import { randomBytes } from 'node:crypto';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Like, Not } from 'typeorm';
import { SEALED_PREFIX, SecretBox } from '../crypto/secret-box.js';
import { PlatformKeyService } from '../keys/platform-key.service.js';
import { JsonLogger } from '../observability/json-logger.js';
import { AlertEntity } from './alert.entity.js';

const PURPOSE = 'webhook-secret';

/**
 * Webhook signing secrets: shown to their owner once, at creation, and stored sealed under the
 * platform key passphrase (crypto/secret-box.ts), so that a copy of the database cannot be used to
 * sign deliveries that partner systems would take for Windward's. Secrets stored in plaintext by
 * earlier versions are sealed when a process starts, and still open meanwhile.
 */
@Injectable()
export class WebhookSecrets implements OnApplicationBootstrap {
  constructor(
    private readonly platformKey: PlatformKeyService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly logger: JsonLogger,
  ) {}

  /** A new secret for an alert: the value its owner is shown once, and the sealed form that is stored. */
  async create(alertId: string): Promise<{ secret: string; stored: string }> {
    const secret = randomBytes(32).toString('base64url');
    return { secret, stored: await this.box().seal(secret, alertId) };
  }

  /** The secret to sign the alert's deliveries with; rejects with SecretBoxError when the stored value does not open. */
  async open(alertId: string, stored: string): Promise<string> {
    return SecretBox.isSealed(stored) ? this.box().open(stored, alertId) : stored;
  }

  /** Seals the secrets an earlier version stored in plaintext; returns how many it sealed. */
  async sealPlaintext(): Promise<number> {
    const alerts = this.dataSource.getRepository(AlertEntity);
    const plain = await alerts.find({ select: { id: true, webhookSecret: true }, where: { webhookSecret: Not(Like(`${SEALED_PREFIX}%`)) } }); // NULL (no webhook) is not matched
    let sealed = 0;
    for (const { id, webhookSecret } of plain) {
      if (!webhookSecret) continue;
      // Only if still the same plaintext: another process may be sealing it too.
      const result = await alerts.update({ id, webhookSecret }, { webhookSecret: await this.box().seal(webhookSecret, id) });
      sealed += result.affected ?? 0;
    }
    return sealed;
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      const sealed = await this.sealPlaintext();
      if (sealed) this.logger.event('info', 'webhook secrets sealed', { count: sealed });
    } catch (error) {
      // Not fatal: plaintext secrets still open, and the next start tries again.
      this.logger.event('warn', 'webhook secrets not sealed', { error: error instanceof Error ? error.message : String(error) });
    }
  }

  private box(): SecretBox {
    return this.platformKey.secretBox(PURPOSE);
  }
}
