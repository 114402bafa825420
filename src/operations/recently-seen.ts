/**
 * Ids already handled, remembered by their creation time for as long as a poll that looks back
 * over a window can return them again. An id older than the window's start can never come back,
 * so it is forgotten: the set stays as small as the window, however long the poller runs, and
 * nothing is ever handled twice (clearing a full set instead would hand the window out again).
 */
export class RecentlySeen {
  private readonly createdAt = new Map<string, number>();

  /** True the first time an id is offered; false when it was offered before and not yet forgotten. */
  firstTime(id: string, createdAt: Date): boolean {
    if (this.createdAt.has(id)) return false;
    this.createdAt.set(id, createdAt.getTime());
    return true;
  }

  /** Forgets ids created before `start`, the earliest creation time the next poll can return. */
  forgetBefore(start: Date): void {
    const cutoff = start.getTime();
    for (const [id, at] of this.createdAt) if (at < cutoff) this.createdAt.delete(id);
  }

  get size(): number {
    return this.createdAt.size;
  }
}
