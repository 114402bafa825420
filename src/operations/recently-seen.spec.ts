import { describe, expect, it } from '@jest/globals';
import { RecentlySeen } from './recently-seen.js';

const at = (seconds: number) => new Date(Date.UTC(2026, 11, 8, 9, 0, seconds));

describe('RecentlySeen', () => {
  it('offers an id once while the window can still return it', () => {
    const seen = new RecentlySeen();
    expect(seen.firstTime('a', at(1))).toBe(true);
    expect(seen.firstTime('a', at(1))).toBe(false);
    seen.forgetBefore(at(0));
    expect(seen.firstTime('a', at(1))).toBe(false);
  });

  it('forgets only ids older than the window, so a long run stays small and never repeats one', () => {
    const seen = new RecentlySeen();
    // 20,000 requests, one a second, polled with a 10-second look-back after each.
    let repeats = 0;
    for (let second = 0; second < 20_000; second += 1) {
      const created = new Date(at(0).getTime() + second * 1000);
      for (let back = 0; back <= Math.min(second, 10); back += 1) {
        // The poll returns everything created within the look-back again.
        const again = new Date(created.getTime() - back * 1000);
        if (seen.firstTime(`r${second - back}`, again) && back > 0) repeats += 1;
      }
      seen.forgetBefore(new Date(created.getTime() - 10_000));
    }
    expect(repeats).toBe(0);
    expect(seen.size).toBeLessThanOrEqual(11);
  });
});
