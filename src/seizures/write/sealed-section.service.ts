import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { In } from 'typeorm';
import { BadUserInputError } from '../../errors/domain-error.js';
import { assembleMessageFor, decryptPayload, unwrapSessionKey, wrapSessionKeyFor } from '../../crypto/recipient-encryption.js';
import { AgencyKeysService } from '../../keys/agency-keys.service.js';
import { PersonalKeysService, userRecipient } from '../../keys/personal-keys.service.js';
import { PlatformKeyService } from '../../keys/platform-key.service.js';
import { SealedSectionEntity, SectionRecipientEntity } from '../data/sealed-section.entity.js';

export const PLATFORM_RECIPIENT = 'PLATFORM';

/** One report's section as sealed to one recipient (an agency code, or `user:<id>`). */
export interface SealedCopy {
  seizureId: string;
  recipient: string;
}

function sealedCopyKey(copy: SealedCopy): string {
  return `${copy.seizureId}\0${copy.recipient}`;
}

const MIN_PADDED_BYTES = 4096;
/** `,"padding":""` */
const PADDING_OVERHEAD = 13;

/**
 * A server-blind section as JSON padded with spaces in a `padding` member to a power of two bytes
 * (at least 4 KiB), so that the stored ciphertext's length says no more than that bucket.
 */
export function paddedJson(section: SensitiveSection): string {
  const bare = JSON.stringify(section);
  const length = Buffer.byteLength(bare, 'utf8') + PADDING_OVERHEAD;
  let target = MIN_PADDED_BYTES;
  while (target < length) target *= 2;
  return JSON.stringify({ ...section, padding: ' '.repeat(target - length) });
}

export interface SensitiveSection {
  narrative: string | null;
  persons: { name: string; nationality: string | null; dateOfBirth: string | null; role: string | null }[];
  companies: string[];
  identifiers: string[];
  /**
   * A sealed submission's signed text (the whole report as canonical JSON). It contains this
   * section, so it is kept encrypted with it rather than in a plain column.
   */
  signedContent?: string;
}

/**
 * Who a section is wrapped for: agencies' keys, and users' personal keys (RED named users who
 * have one; their agency's key is then not among the agencies).
 */
export interface SectionAudience {
  agencies: string[];
  users: string[];
}

/** Encrypted rows ready to store, made before the database transaction so it stays short. */
export interface PreparedSection {
  payload: Buffer;
  recipients: { recipient: string; keyFingerprint: string; pkesk: Buffer }[];
}

/**
 * The sensitive (nominal) section at rest: one encrypted payload, one wrapped session key per
 * recipient agency and, unless the report is server-blind, one for the platform storage key.
 */
@Injectable()
export class SealedSectionService {
  constructor(
    private readonly platformKey: PlatformKeyService,
    private readonly agencyKeys: AgencyKeysService,
    private readonly personalKeys: PersonalKeysService,
    @InjectRepository(SealedSectionEntity) private readonly sections: Repository<SealedSectionEntity>,
    @InjectRepository(SectionRecipientEntity) private readonly recipients: Repository<SectionRecipientEntity>,
  ) {}

  /**
   * Encrypts a section for the platform (unless server-blind) and every listed agency that has a
   * registered key. A server-blind section must reach at least the owner: without any agency key
   * nobody could ever read it, so that is refused.
   */
  async prepare(section: SensitiveSection, audience: SectionAudience, options: { serverBlind: boolean; owner: string }): Promise<PreparedSection> {
    const keys = await this.agencyKeys.encryptionKeys([...new Set(audience.agencies)]);
    if (options.serverBlind && !keys.has(options.owner)) {
      throw new BadUserInputError(`A server-blind report needs a registered OpenPGP key of ${options.owner}; register one first`, ['serverBlind']);
    }
    const recipients = [...keys.entries()].map(([code, key]) => ({ recipientId: code, armoredPublicKey: key.armored }));
    for (const [userId, key] of await this.personalKeys.encryptionKeys(audience.users)) {
      recipients.push({ recipientId: userRecipient(userId), armoredPublicKey: key.armored });
    }
    if (!options.serverBlind) recipients.push({ recipientId: PLATFORM_RECIPIENT, armoredPublicKey: this.platformKey.armoredPublicKey });
    const plaintext = options.serverBlind ? paddedJson(section) : JSON.stringify(section);
    // Encrypted on a crypto worker thread, off the API's event loop.
    const encrypted = await this.platformKey.crypto.encryptForRecipients(new TextEncoder().encode(plaintext), recipients);
    return {
      payload: Buffer.from(encrypted.payload),
      recipients: encrypted.wrappedKeys.map((w) => ({ recipient: w.recipientId, keyFingerprint: w.keyFingerprint, pkesk: Buffer.from(w.pkesk) })),
    };
  }

  /** Replaces a report's section with a prepared one (a new report's is written by recordNewReport). */
  async store(manager: EntityManager, seizureId: string, prepared: PreparedSection): Promise<void> {
    await manager.delete(SectionRecipientEntity, { seizureId });
    await manager.upsert(SealedSectionEntity, { seizureId, payload: prepared.payload }, ['seizureId']);
    if (prepared.recipients.length) await manager.insert(SectionRecipientEntity, prepared.recipients.map((r) => ({ ...r, seizureId })));
  }

  /**
   * Gives newly entitled agencies and users their own wrapped key (no re-encryption) and removes
   * those no longer entitled. Needs the platform's wrapped key; a server-blind section cannot be
   * re-shared by the server.
   */
  async syncRecipients(manager: EntityManager, seizureId: string, audience: SectionAudience): Promise<{ added: string[]; removed: string[] }> {
    const current = await manager.find(SectionRecipientEntity, { where: { seizureId } });
    const wanted = new Set([...audience.agencies, ...audience.users.map(userRecipient)]);
    const removed = current.filter((r) => r.recipient !== PLATFORM_RECIPIENT && !wanted.has(r.recipient)).map((r) => r.recipient);
    if (removed.length) await manager.delete(SectionRecipientEntity, { seizureId, recipient: In(removed) });
    const have = new Set(current.map((r) => r.recipient));
    const platformRow = current.find((r) => r.recipient === PLATFORM_RECIPIENT);
    const section = await manager.findOneBy(SealedSectionEntity, { seizureId });
    const missingAgencies = audience.agencies.filter((code) => !have.has(code));
    const missingUsers = audience.users.filter((id) => !have.has(userRecipient(id)));
    if ((!missingAgencies.length && !missingUsers.length) || !platformRow || !section) return { added: [], removed };
    const keys = new Map(await this.agencyKeys.encryptionKeys(missingAgencies, new Date(), manager));
    for (const [userId, key] of await this.personalKeys.encryptionKeys(missingUsers, manager)) keys.set(userRecipient(userId), key);
    if (!keys.size) return { added: [], removed };
    const sessionKey = await unwrapSessionKey({ pkesk: platformRow.pkesk, payload: section.payload, privateKey: this.platformKey.privateKey });
    const rows = [];
    for (const [recipient, key] of keys) {
      const pkesk = await wrapSessionKeyFor({ sessionKey, publicKey: key.publicKey });
      rows.push({ seizureId, recipient, keyFingerprint: key.fingerprint, pkesk: Buffer.from(pkesk) });
    }
    await manager.insert(SectionRecipientEntity, rows);
    return { added: rows.map((r) => r.recipient), removed };
  }

  /** Decrypts sections with the platform key; server-blind ones are absent from the result. */
  async openMany(seizureIds: readonly string[]): Promise<Map<string, SensitiveSection>> {
    const result = new Map<string, SensitiveSection>();
    if (!seizureIds.length) return result;
    const [sections, platformRows] = await Promise.all([
      this.sections.findBy({ seizureId: In([...seizureIds]) }),
      this.recipients.findBy({ seizureId: In([...seizureIds]), recipient: PLATFORM_RECIPIENT }),
    ]);
    const wrapped = new Map(platformRows.map((r) => [r.seizureId, r.pkesk]));
    for (const section of sections) {
      const pkesk = wrapped.get(section.seizureId);
      if (!pkesk) continue;
      const plaintext = await decryptPayload({ pkesk, payload: section.payload, privateKey: this.platformKey.privateKey });
      result.set(section.seizureId, JSON.parse(new TextDecoder().decode(plaintext)) as SensitiveSection);
    }
    return result;
  }

  /**
   * Each report's section as an armored OpenPGP message for one agency's key (or `user:<id>`'s
   * personal key), null where it has none, in the order asked: two statements however many (a
   * page of reports, or a federation request's references).
   */
  async sealedForMany(wanted: readonly SealedCopy[]): Promise<(string | null)[]> {
    if (!wanted.length) return [];
    const seizureIds = [...new Set(wanted.map((copy) => copy.seizureId))];
    const [sections, rows] = await Promise.all([
      this.sections.findBy({ seizureId: In(seizureIds) }),
      this.recipients.findBy({ seizureId: In(seizureIds), recipient: In([...new Set(wanted.map((copy) => copy.recipient))]) }),
    ]);
    const payloads = new Map(sections.map((section) => [section.seizureId, section.payload]));
    const packets = new Map(rows.map((row) => [sealedCopyKey(row), row.pkesk]));
    return Promise.all(wanted.map(async (copy) => {
      const payload = payloads.get(copy.seizureId);
      const pkesk = packets.get(sealedCopyKey(copy));
      return payload && pkesk ? assembleMessageFor({ pkesk, payload, armored: true }) : null;
    }));
  }
}
