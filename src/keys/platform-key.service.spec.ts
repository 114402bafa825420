import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Repository } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { ConfigError } from '../config/config-error.js';
import { generatePlatformKeyPair } from '../crypto/platform-key.js';
import { JsonLogger } from '../observability/json-logger.js';
import type { PlatformKeyEntity } from './platform-key.entity.js';
import { PlatformKeyService } from './platform-key.service.js';

const MADE_WITH = 'the passphrase it was made with';
const OTHER = 'another long passphrase';

describe('the platform key at start, with a passphrase that does not unlock it', () => {
  let row: PlatformKeyEntity;
  let dataDir: string;

  beforeAll(async () => {
    const pair = await generatePlatformKeyPair({ passphrase: MADE_WITH });
    row = { fingerprint: pair.fingerprint, armoredPublic: pair.publicKeyArmored, armoredPrivate: pair.privateKeyArmored, active: true } as PlatformKeyEntity;
  });
  beforeEach(() => (dataDir = mkdtempSync(path.join(os.tmpdir(), 'windward-platform-key-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  /** The service as Nest makes it, over a table holding `row`. */
  const service = (passphrase: string | undefined) => {
    const config = { nodeEnv: 'test', crypto: { platformKeyPassphrase: passphrase }, database: { dataDir } } as AppConfig;
    const keys = { findOneBy: () => Promise.resolve(row) } as unknown as Repository<PlatformKeyEntity>;
    return new PlatformKeyService(config, keys, new JsonLogger('error', () => undefined));
  };

  it('is a configuration error naming PLATFORM_KEY_PASSPHRASE, never the passphrase', async () => {
    const start = service(OTHER).onModuleInit();
    await expect(start).rejects.toThrow(ConfigError);
    const message = await start.then(() => '', (error: Error) => error.message);
    expect(message).toBe(`Invalid configuration: PLATFORM_KEY_PASSPHRASE does not unlock the platform key in the database (${row.fingerprint}): set PLATFORM_KEY_PASSPHRASE to the passphrase it was made with`);
    expect(message).not.toContain(OTHER);
  });

  it('names the development passphrase file when PLATFORM_KEY_PASSPHRASE is not set', async () => {
    writeFileSync(path.join(dataDir, 'platform-key.passphrase'), OTHER);
    const start = service(undefined).onModuleInit();
    await expect(start).rejects.toThrow(ConfigError);
    await expect(start).rejects.toThrow(`PLATFORM_KEY_PASSPHRASE is not set, and the development passphrase in ${path.join(dataDir, 'platform-key.passphrase')} does not unlock the platform key`);
  });

  it('starts with the passphrase the key was made with', async () => {
    const started = service(MADE_WITH);
    await started.onModuleInit();
    expect(started.fingerprint).toBe(row.fingerprint);
    await started.onModuleDestroy();
  });
});
