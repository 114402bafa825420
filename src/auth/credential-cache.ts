import type { ChangeSignal } from '../database/change-channel.js';

export interface CredentialCacheLimits {
  /** Entries kept; the oldest goes first. */
  maxEntries: number;
  /** An entry is read again from the database after this long, whatever the channel says. */
  maxAgeMs: number;
}

/** Nest token of the one cache of API key and console session credentials (auth.module.ts). */
export const CREDENTIAL_CACHE = Symbol('CREDENTIAL_CACHE');

const DEFAULT_LIMITS: CredentialCacheLimits = { maxEntries: 10_000, maxAgeMs: 60_000 };

/**
 * What the database said a credential stands for, kept between requests so that most requests
 * need no statement to authenticate. Every committed change that could alter an answer (a key
 * revoked, a user disabled or moved, an agency, an operation's participants) is announced on a
 * PostgreSQL channel by triggers, and drops every entry; this process's own changes drop them at
 * once, before the change is reported done (`invalidate`). Entries are used and stored only while
 * the channel is trusted (`ChangeSignal`): with no channel, or one that stopped hearing its own
 * pings, every request reads the database as before.
 *
 * A load that began before a change it did not see is not stored: each change moves a generation
 * on, and a load stores only if the generation is the one it started in. So an entry never
 * predates a change this process has heard of, and a change made elsewhere is heard within the
 * notification's delivery (a millisecond on a healthy server; at most one ping interval plus its
 * timeout when the channel silently fails).
 *
 * Only what was found is kept: an unknown key costs a statement every time, as before, and fills
 * no memory.
 */
export class CredentialCache<T> {
  private readonly entries = new Map<string, { value: T; storedAt: number }>();
  private generation = 0;

  constructor(
    private readonly signal: ChangeSignal | null,
    private readonly limits: CredentialCacheLimits = DEFAULT_LIMITS,
  ) {
    signal?.onChange(() => this.invalidate());
  }

  /** Whether entries are being used at all (false without a channel, and while it is not trusted). */
  get active(): boolean {
    return this.signal?.trusted() ?? false;
  }

  /** The cached value for `key`, or `load()`'s, stored when nothing changed while it loaded. */
  async get(key: string, load: () => Promise<T | null>): Promise<T | null> {
    if (!this.signal) return load();
    const now = Date.now();
    if (this.signal.trusted(now)) {
      const entry = this.entries.get(key);
      if (entry && now - entry.storedAt < this.limits.maxAgeMs) return entry.value;
    }
    const generation = this.generation;
    const value = await load();
    if (value !== null && generation === this.generation && this.signal.trusted()) this.store(key, value, now);
    return value;
  }

  /** Drops every entry, and every load under way. */
  invalidate(): void {
    this.generation += 1;
    this.entries.clear();
  }

  private store(key: string, value: T, loadedAt: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.limits.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    // Aged from when the load began: the database's answer is at least that old.
    this.entries.set(key, { value, storedAt: loadedAt });
  }
}
