import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { PrivateKey, PublicKey } from 'openpgp';
import type { Repository } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { ConfigError } from '../config/config-error.js';
import { APP_CONFIG } from '../config/config.tokens.js';
import { CryptoPool } from '../crypto/crypto-pool.js';
import { PlatformKeyPassphraseError, generatePlatformKeyPair, loadPlatformPrivateKey, loadPlatformPublicKey } from '../crypto/platform-key.js';
import { SecretBox } from '../crypto/secret-box.js';
import { ensureDataDirOrThrow } from '../database/data-dir.js';
import { JsonLogger } from '../observability/json-logger.js';
import { PlatformKeyEntity } from './platform-key.entity.js';

const DEV_PASSPHRASE_FILE = 'platform-key.passphrase';

/**
 * The platform's OpenPGP key pair: made at first start (ECC curve25519, v4), kept in the database
 * with the private key encrypted by PLATFORM_KEY_PASSPHRASE, unlocked in memory only.
 */
@Injectable()
export class PlatformKeyService implements OnModuleInit, OnModuleDestroy {
  private readonly boxes = new Map<string, SecretBox>();
  private loaded?: { fingerprint: string; armoredPublic: string; publicKey: PublicKey; privateKey: PrivateKey; crypto: CryptoPool };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(PlatformKeyEntity) private readonly keys: Repository<PlatformKeyEntity>,
    private readonly logger: JsonLogger,
  ) {}

  async onModuleInit(): Promise<void> {
    const passphrase = this.passphrase();
    let row = await this.keys.findOneBy({ active: true });
    if (!row) {
      const pair = await generatePlatformKeyPair({ passphrase });
      // Two processes starting at once both try; the unique `active` column lets one win.
      await this.keys
        .createQueryBuilder()
        .insert()
        .values({ fingerprint: pair.fingerprint, armoredPublic: pair.publicKeyArmored, armoredPrivate: pair.privateKeyArmored, active: true })
        .orIgnore()
        .execute();
      row = await this.keys.findOneByOrFail({ active: true });
      if (row.fingerprint === pair.fingerprint) this.logger.event('info', 'platform key created', { fingerprint: row.fingerprint });
    }
    this.loaded = {
      fingerprint: row.fingerprint,
      armoredPublic: row.armoredPublic,
      publicKey: await loadPlatformPublicKey(row.armoredPublic),
      privateKey: await this.unlockOrThrow(row, passphrase),
      // Worker threads (started on first use) for the OpenPGP work of sealed submissions; each
      // unlocks its own copy of the key from the stored form.
      crypto: new CryptoPool({ platformKey: { armoredPrivateKey: row.armoredPrivate, passphrase } }),
    };
  }

  async onModuleDestroy(): Promise<void> {
    await this.loaded?.crypto.close();
  }

  get fingerprint(): string {
    return this.current().fingerprint;
  }
  get armoredPublicKey(): string {
    return this.current().armoredPublic;
  }
  get publicKey(): PublicKey {
    return this.current().publicKey;
  }
  get privateKey(): PrivateKey {
    return this.current().privateKey;
  }
  /** The pool of crypto worker threads holding this key: sealed submissions' OpenPGP work runs there. */
  get crypto(): CryptoPool {
    return this.current().crypto;
  }

  /**
   * Seals and opens secrets the platform must read back (webhook signing secrets) under a key
   * derived from the platform key passphrase, so that the database alone does not reveal them.
   */
  secretBox(purpose: string): SecretBox {
    let box = this.boxes.get(purpose);
    if (!box) {
      box = SecretBox.fromPassphrase(this.passphrase(), purpose);
      this.boxes.set(purpose, box);
    }
    return box;
  }

  /**
   * A passphrase that does not unlock the stored key is a deployment's configuration mistake (a
   * changed PLATFORM_KEY_PASSPHRASE, a development DATA_DIR paired with another database): said
   * so as one, naming the setting, never the passphrase.
   */
  private async unlockOrThrow(row: PlatformKeyEntity, passphrase: string): Promise<PrivateKey> {
    try {
      return await loadPlatformPrivateKey({ armoredPrivateKey: row.armoredPrivate, passphrase });
    } catch (error) {
      if (!(error instanceof PlatformKeyPassphraseError)) throw error;
      const given = this.config.crypto.platformKeyPassphrase
        ? 'PLATFORM_KEY_PASSPHRASE does not unlock'
        : `PLATFORM_KEY_PASSPHRASE is not set, and the development passphrase in ${path.join(this.config.database.dataDir, DEV_PASSPHRASE_FILE)} does not unlock`;
      throw new ConfigError(`Invalid configuration: ${given} the platform key in the database (${row.fingerprint}): set PLATFORM_KEY_PASSPHRASE to the passphrase it was made with`);
    }
  }

  private current(): NonNullable<PlatformKeyService['loaded']> {
    if (!this.loaded) throw new Error('The platform key is not loaded yet');
    return this.loaded;
  }

  /** From the environment; in development a generated one kept under DATA_DIR, with a warning. */
  private passphrase(): string {
    if (this.config.crypto.platformKeyPassphrase) return this.config.crypto.platformKeyPassphrase;
    if (this.config.nodeEnv === 'production') throw new Error('PLATFORM_KEY_PASSPHRASE is required in production');
    const file = path.join(this.config.database.dataDir, DEV_PASSPHRASE_FILE);
    if (!existsSync(file)) {
      ensureDataDirOrThrow(this.config.database.dataDir);
      writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
    }
    if (this.config.nodeEnv === 'development') {
      this.logger.event('warn', 'PLATFORM_KEY_PASSPHRASE is not set: using a generated development passphrase', { file });
    }
    return readFileSync(file, 'utf8').trim();
  }
}
