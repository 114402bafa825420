import { jest } from '@jest/globals';
import { CredentialCache } from './credential-cache.js';
import type { ChangeSignal } from '../database/change-channel.js';

/** A channel whose trust and changes the test decides. */
class FakeSignal implements ChangeSignal {
  isTrusted = true;
  private readonly listeners: (() => void)[] = [];
  trusted(): boolean {
    return this.isTrusted;
  }
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }
  change(): void {
    for (const listener of this.listeners) listener();
  }
}

function counter(value: string | null = 'row') {
  const load = jest.fn(async () => value);
  return load;
}

describe('CredentialCache', () => {
  it('answers a second lookup from memory while the channel is trusted', async () => {
    const cache = new CredentialCache<string>(new FakeSignal());
    const load = counter();
    expect(await cache.get('k', load)).toBe('row');
    expect(await cache.get('k', load)).toBe('row');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('reads the database every time without a channel', async () => {
    const cache = new CredentialCache<string>(null);
    const load = counter();
    await cache.get('k', load);
    await cache.get('k', load);
    expect(load).toHaveBeenCalledTimes(2);
    expect(cache.active).toBe(false);
  });

  it('neither uses nor stores entries while the channel is not trusted', async () => {
    const signal = new FakeSignal();
    const cache = new CredentialCache<string>(signal);
    const load = counter();
    await cache.get('k', load);
    signal.isTrusted = false;
    await cache.get('k', load);
    await cache.get('k', load);
    expect(load).toHaveBeenCalledTimes(3);
    signal.isTrusted = true;
    // What was stored before trust was lost is not used when trust returns without a change: the
    // channel announces regained trust as a change (ChangeChannel), which this fake does not.
    signal.change();
    await cache.get('k', load);
    expect(load).toHaveBeenCalledTimes(4);
  });

  it('drops every entry on a change', async () => {
    const signal = new FakeSignal();
    const cache = new CredentialCache<string>(signal);
    const load = counter();
    await cache.get('a', load);
    await cache.get('b', load);
    signal.change();
    await cache.get('a', load);
    await cache.get('b', load);
    expect(load).toHaveBeenCalledTimes(4);
  });

  it('does not store what was loaded while a change happened (the load may predate it)', async () => {
    const signal = new FakeSignal();
    const cache = new CredentialCache<string>(signal);
    let release!: (value: string) => void;
    const first = cache.get('k', () => new Promise<string>((resolve) => (release = resolve)));
    signal.change(); // e.g. the key was revoked after the lookup read it
    release('before the change');
    expect(await first).toBe('before the change');
    const load = counter('after the change');
    expect(await cache.get('k', load)).toBe('after the change');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('does not store a load that ended after trust was lost', async () => {
    const signal = new FakeSignal();
    const cache = new CredentialCache<string>(signal);
    let release!: (value: string) => void;
    const first = cache.get('k', () => new Promise<string>((resolve) => (release = resolve)));
    signal.isTrusted = false;
    release('row');
    await first;
    signal.isTrusted = true;
    const load = counter();
    await cache.get('k', load);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('drops entries on invalidate(), and loads under way with them', async () => {
    const cache = new CredentialCache<string>(new FakeSignal());
    let release!: (value: string) => void;
    const pending = cache.get('k', () => new Promise<string>((resolve) => (release = resolve)));
    cache.invalidate();
    release('row');
    await pending;
    const load = counter();
    await cache.get('k', load);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('keeps nothing for a credential that was not found', async () => {
    const cache = new CredentialCache<string>(new FakeSignal());
    const load = counter(null);
    expect(await cache.get('unknown', load)).toBeNull();
    expect(await cache.get('unknown', load)).toBeNull();
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('reads an entry again once it is older than maxAgeMs', async () => {
    jest.useFakeTimers({ now: new Date('2026-12-07T12:00:00Z') });
    try {
      const cache = new CredentialCache<string>(new FakeSignal(), { maxEntries: 10, maxAgeMs: 1_000 });
      const load = counter();
      await cache.get('k', load);
      jest.setSystemTime(new Date('2026-12-07T12:00:00.999Z'));
      await cache.get('k', load);
      expect(load).toHaveBeenCalledTimes(1);
      jest.setSystemTime(new Date('2026-12-07T12:00:01Z'));
      await cache.get('k', load);
      expect(load).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const cache = new CredentialCache<string>(new FakeSignal(), { maxEntries: 2, maxAgeMs: 60_000 });
    const load = counter();
    await cache.get('a', load);
    await cache.get('b', load);
    await cache.get('c', load); // drops a
    expect(load).toHaveBeenCalledTimes(3);
    await cache.get('b', load);
    await cache.get('c', load);
    expect(load).toHaveBeenCalledTimes(3);
    await cache.get('a', load);
    expect(load).toHaveBeenCalledTimes(4);
  });
});
