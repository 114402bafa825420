import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { PlatformKeyService } from './platform-key.service.js';
import { PlatformSecretEntity } from './platform-secret.entity.js';

const KEY_BYTES = 32;
const BOX_PURPOSE = 'platform-secret';

/**
 * A random 256-bit key per purpose, the same in every replica and across restarts: made by the
 * first process that needs it, kept sealed in `platform_secrets`, opened once per process. For what
 * the platform hands out and must recognise later without the holder reading it (the change feed's
 * cursors). Random rather than derived from the passphrase, so nothing sealed under it helps anyone
 * guess the passphrase.
 */
@Injectable()
export class PlatformSecrets {
  private readonly keys = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly platformKey: PlatformKeyService,
    @InjectRepository(PlatformSecretEntity) private readonly secrets: Repository<PlatformSecretEntity>,
  ) {}

  key(purpose: string): Promise<Buffer> {
    let key = this.keys.get(purpose);
    if (!key) {
      key = this.load(purpose);
      // A failure (database down) is not kept: the next request tries again.
      key.catch(() => this.keys.delete(purpose));
      this.keys.set(purpose, key);
    }
    return key;
  }

  private async load(purpose: string): Promise<Buffer> {
    const box = this.platformKey.secretBox(BOX_PURPOSE);
    let row = await this.secrets.findOneBy({ purpose });
    if (!row) {
      const sealed = await box.seal(randomBytes(KEY_BYTES).toString('base64url'), purpose);
      // Two processes may make one at once: the primary key lets the first win, and both read it.
      await this.secrets.createQueryBuilder().insert().values({ purpose, sealed }).orIgnore().execute();
      row = await this.secrets.findOneByOrFail({ purpose });
    }
    const key = Buffer.from(await box.open(row.sealed, purpose), 'base64url');
    if (key.length !== KEY_BYTES) throw new Error(`The platform secret for ${purpose} is not a ${KEY_BYTES}-byte key`);
    return key;
  }
}
