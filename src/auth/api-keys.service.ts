import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { BadUserInputError, NotFoundError } from '../errors/domain-error.js';
import { UserEntity } from '../users/user.entity.js';
import { ApiKeyEntity } from './api-key.entity.js';

const KEY_PREFIX = 'wwk_';
/** 32 random bytes: guessing is hopeless, so a fast hash is the right one (no need for a KDF). */
const SECRET_BYTES = 32;
const KEY_FORMAT = /^wwk_[A-Za-z0-9_-]{43}$/;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Parses a TTL such as `90m`, `12h`, `30d`, `52w` into milliseconds. */
export function parseTtl(ttl: string): number {
  const match = /^(\d{1,6})([mhdw])$/.exec(ttl.trim());
  if (!match) throw new BadUserInputError(`Invalid TTL "${ttl}": use a number followed by m, h, d or w (e.g. 30d)`, ['ttl']);
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] as 'm' | 'h' | 'd' | 'w'];
  const ms = Number(match[1]) * unit;
  if (ms <= 0) throw new BadUserInputError('TTL must be positive', ['ttl']);
  return ms;
}

export interface CreatedApiKey {
  id: string;
  /** The only time the key exists outside the caller's hands. */
  key: string;
  expiresAt: Date | null;
}

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
  ) {}

  async create(email: string, options: { ttl?: string; label?: string; now?: Date } = {}): Promise<CreatedApiKey> {
    const user = await this.users.findOneBy({ email: email.trim().toLowerCase() });
    if (!user) throw new NotFoundError(`User ${email}`);
    const now = options.now ?? new Date();
    const expiresAt = options.ttl ? new Date(now.getTime() + parseTtl(options.ttl)) : null;
    const key = KEY_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
    const saved = await this.keys.save(
      this.keys.create({ userId: user.id, secretHash: hashApiKey(key), prefix: key.slice(0, 12), label: options.label ?? null, expiresAt }),
    );
    return { id: saved.id, key, expiresAt };
  }

  async revoke(id: string, now = new Date()): Promise<ApiKeyEntity> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new BadUserInputError(`Invalid API key id: ${id}`, ['id']);
    const key = await this.keys.findOneBy({ id });
    if (!key) throw new NotFoundError(`API key ${id}`);
    if (!key.revokedAt) {
      await this.keys.update({ id, revokedAt: IsNull() }, { revokedAt: now });
      key.revokedAt = now;
    }
    return key;
  }

  /** The active user behind a presented key, or null for any key that must not be accepted. */
  async userForKey(presented: string, now = new Date()): Promise<UserEntity | null> {
    if (!KEY_FORMAT.test(presented)) return null;
    // One query for key and user (findOne with relations costs two round trips on every request).
    const key = await this.keys
      .createQueryBuilder('k')
      .innerJoinAndSelect('k.user', 'u')
      .where('k.secret_hash = :hash', { hash: hashApiKey(presented) })
      .getOne();
    if (!key || key.revokedAt || (key.expiresAt && key.expiresAt <= now)) return null;
    if (!key.user || key.user.status !== 'ACTIVE') return null;
    // Coarse last-use tracking for operators; at most one write a minute per key.
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > 60_000) {
      await this.keys.update({ id: key.id }, { lastUsedAt: now });
    }
    return key.user;
  }
}
